// Runs a transpiled component of wit/values.wit under jco's host in Node and prints the
// lines values_driver.cc prints under nanowasm (the test diffs the two).
//   node run_jco.mjs TRANSPILED_DIR/NAME.js
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const mod = await import(pathToFileURL(resolve(process.argv[2])).href);
const api = mod.api ?? mod['nanowasm:values/api@0.1.0'];
const text = (p) => `{x: ${p.x}, y: ${p.y}}`;

for (const name of ['Zoë', '世界', '']) console.log(`greet: ${api.greet(name)}`);
console.log(`sum: ${text(api.sum([{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: -5, y: 10 }]))}`);
console.log(`sum []: ${text(api.sum([]))}`);
for (const s of [{ tag: 'circle', val: 5 }, { tag: 'rect', val: { x: 3, y: 4 } }, { tag: 'empty' }])
  console.log(`describe: ${api.describe(s)}`);
for (const n of [7, 9, -1]) console.log(`classify ${n}: ${api.classify(n) ?? 'none'}`);
console.log(`joined: ${api.joined(' + ')}`);
console.log(`moved: ${text(api.moved({ x: 1, y: 2 }))}`);
const counter = new api.Counter(5);
console.log(`counter add 3: ${counter.add(3)}`);
console.log(`counter add 4000000000: ${counter.add(4000000000)}`);
console.log(`counter label: ${counter.label()}`);
console.log(`total: ${api.total(counter)}`);
