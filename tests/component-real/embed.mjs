// Build step: `jco embed` through jco's API, because jco 1.35.0's CLI drops --world-name (it
// passes `worldName` where its wasm-tools expects `world`), so a WIT package with two worlds
// cannot be embedded from the command line. Run with `node --import preopen.mjs`.
//   node --import preopen.mjs embed.mjs CORE.wasm WIT_FILE WORLD OUT.wasm
import { componentEmbed } from '@bytecodealliance/jco';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const [core, wit, world, out] = process.argv.slice(2);
const bytes = await componentEmbed({ binary: await readFile(core), witPath: resolve(wit), world });
await writeFile(out, bytes);
