// Build step: composes two components into one, written directly in the component binary
// format (jco ships no composition tool, and the text format cannot embed a component binary):
//   (component
//     (component $provider ...bytes...)  (component $consumer ...bytes...)
//     (instance $p (instantiate $provider))
//     (alias export $p "IFACE" (instance $text))
//     (instance $c (instantiate $consumer (with "IFACE" (instance $text))))
//     (alias export $c "EXPORT" (func $f))
//     (export "EXPORT" (func $f)))
// The provider must import nothing; the consumer imports IFACE only and exports func EXPORT.
//   node compose.mjs PROVIDER.wasm CONSUMER.wasm IFACE EXPORT OUT.wasm
import { readFile, writeFile } from 'node:fs/promises';

const [providerPath, consumerPath, iface, exportName, out] = process.argv.slice(2);

function uleb(n) {
  const bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    bytes.push(b);
  } while (n);
  return bytes;
}
const name = (s) => {
  const utf8 = [...Buffer.from(s, 'utf8')];
  return [...uleb(utf8.length), ...utf8];
};
const section = (id, body) => [id, ...uleb(body.length), ...body];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const kFunc = 0x01, kInstance = 0x05;

const provider = [...(await readFile(providerPath))];
const consumer = [...(await readFile(consumerPath))];
const bytes = [
  0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,  // component preamble (version 0xd, layer 1)
  ...section(4, provider),                         // component 0
  ...section(4, consumer),                         // component 1
  ...section(5, vec([[0x00, ...uleb(0), ...vec([])]])),                    // instance 0
  ...section(6, vec([[kInstance, 0x00, ...uleb(0), ...name(iface)]])),     // instance 1
  ...section(5, vec([[0x00, ...uleb(1), ...vec([[...name(iface), kInstance, ...uleb(1)]])]])),  // 2
  ...section(6, vec([[kFunc, 0x00, ...uleb(2), ...name(exportName)]])),    // func 0
  ...section(11, vec([[0x00, ...name(exportName), kFunc, ...uleb(0), 0x00]])),
];
await writeFile(out, Uint8Array.from(bytes));
