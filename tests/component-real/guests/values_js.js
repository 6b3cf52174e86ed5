// The JS guest of wit/values.wit (componentize-js): the same behaviour as guests/values.c, so
// both components give the same output under nanowasm and under jco's host.
import { log, offset, words } from 'nanowasm:values/host@0.1.0';

export const api = {
  greet(name) {
    log(`greet called with ${name}`);
    return `Hello, ${name}!`;
  },
  sum(ps) {
    const total = { x: 0, y: 0 };
    for (const p of ps) {
      total.x = (total.x + p.x) | 0;
      total.y = (total.y + p.y) | 0;
    }
    return total;
  },
  describe(s) {
    switch (s.tag) {
      case 'circle': return `circle r=${s.val}`;
      case 'rect': return `rect ${s.val.x}x${s.val.y}`;
      default: return 'empty';
    }
  },
  classify(n) {
    return n >= 0 ? ['red', 'green', 'blue'][n % 3] : undefined;
  },
  joined(sep) {
    return words().join(sep);
  },
  moved(p) {
    return offset(p, 10);
  },
  Counter: class Counter {
    #value;
    constructor(start) { this.#value = start; }
    add(n) { this.#value = (this.#value + n) >>> 0; return this.#value; }
    label() { return `counter=${this.#value}`; }
    get value() { return this.#value; }
  },
  total(c) { return c.value; },
};
