// Build step: a JS guest to a component with componentize-js (StarlingMonkey), every optional
// feature disabled so that the component imports only its world (no WASI).
//   node componentize.mjs GUEST.js WIT_FILE WORLD OUT.wasm
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';

const [sourcePath, witPath, worldName, out] = process.argv.slice(2);
const { component } = await componentize({
  sourcePath,
  witPath,
  worldName,
  disableFeatures: ['stdio', 'random', 'clocks', 'http', 'fetch-event'],
});
await writeFile(out, component);
