// The `consumer` world of wit/compose.wit (componentize-js): everything it does goes through the
// provider component's `text` interface.
import { Buffer, tokens, upper } from 'nanowasm:compose/text@0.1.0';

export function run(input) {
  const buffer = new Buffer();
  const parts = [];
  for (const t of tokens(input)) {
    if (t.tag === 'word') {
      buffer.push(upper(t.val));
      parts.push(`w:${t.val}`);
    } else if (t.tag === 'number') {
      parts.push(`n:${t.val * 2n}`);
    } else {
      parts.push('_');
    }
  }
  const s = buffer.stats();
  return `${parts.join(' ')} | ${buffer.contents()} | words=${s.words} bytes=${s.bytes}`;
}
