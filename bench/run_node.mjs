// Node (V8) runner for a benchmark guest: `node run_node.mjs FILE.wasm N` compiles and
// instantiates the module, calls run(N) once and prints one JSON line:
//   {"checksum": "...", "compile_ms": ..., "instantiate_ms": ..., "run_ms": ..., "run_cpu_ms": ...,
//    "total_ms": ...}
// run_ms excludes compilation and instantiation (V8 compiles lazily and tiers up, so the first
// call still pays some of it); total_ms covers all three. run_cpu_ms is the process's CPU time
// (user + system, all threads: V8's background compiler included) over the run() call. The
// line is written synchronously before exit because Node 20 occasionally crashes while exiting
// after a large wasm program: callers treat a crash after a complete line as success.
import { readFileSync, writeSync } from 'node:fs';

const [file, nArg] = process.argv.slice(2);
if (!file || nArg === undefined) {
  writeSync(2, 'usage: node run_node.mjs FILE.wasm N\n');
  process.exit(2);
}
const n = Number.parseInt(nArg, 10);
const bytes = readFileSync(file);
const ms = (t0, t1) => Number(t1 - t0) / 1e6;

const t0 = process.hrtime.bigint();
const module = await WebAssembly.compile(bytes);
const t1 = process.hrtime.bigint();
const instance = await WebAssembly.instantiate(module, {});
const t2 = process.hrtime.bigint();
const c2 = process.cpuUsage();
const result = instance.exports.run(n);
const c3 = process.cpuUsage(c2);
const t3 = process.hrtime.bigint();

// i64 results arrive as BigInt (signed), i32 as Number: both print as plain decimal.
const line = JSON.stringify({
  checksum: String(result),
  compile_ms: ms(t0, t1),
  instantiate_ms: ms(t1, t2),
  run_ms: ms(t2, t3),
  run_cpu_ms: (c3.user + c3.system) / 1e3,
  total_ms: ms(t0, t3),
});
writeSync(1, line + '\n');
process.exit(0);
