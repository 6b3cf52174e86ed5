// Runs the `run: func(string) -> string` export of a transpiled component under jco's host,
// once per input, printing what `component_real_values --run` prints under nanowasm.
//   node run_jco_strings.mjs TRANSPILED_DIR/NAME.js INPUT...
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const mod = await import(pathToFileURL(resolve(process.argv[2])).href);
for (const input of process.argv.slice(3)) console.log(`run(${input}): ${mod.run(input)}`);
