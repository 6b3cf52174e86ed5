// V8's side of the differential driver (differential.py), run by Node. Reads a job file (JSON:
// [{path, exports: [{name, params: [types], results: [types]}]}]) and, for each module, prints
// one JSON line {path, events, done: true} with the same events nw_fuzz_harness prints:
//   ["invalid", msg] | ["link-error", msg] | ["start-trap", msg]
//   ["call", name], ["log", [values]], ["result", [values]] | ["trap", msg] | ["exhausted", msg]
//   ["skipped", "v128"]  an export with v128 in its signature: not called (JS cannot), and
//                        nw_fuzz_harness --js-boundary skips it too, so the comparison goes on
//   ["trap", "TypeError: ..."]  a logging import with v128 in its signature was called: V8
//                        throws at the boundary, which unwinds like a trap (and
//                        nw_fuzz_harness --js-boundary traps there)
//   ["skip", why]  anything else JS cannot do: inconclusive from here on
//   ["memory", "NAME PAGES HASH"]  after the calls, each exported memory (FNV-1a 32)
// Values use nw_fuzz_harness's spelling: i32 signed decimal, i64:DECIMAL, f32:/f64: bits in hex,
// ref:null / ref:nonnull. Many modules per process amortise Node's start-up; a module whose
// line is missing (Node died) counts as inconclusive, never as a match.
import { readFileSync, writeSync } from 'node:fs';

const f32 = new DataView(new ArrayBuffer(8));
function hex(n, width) { return n.toString(16).padStart(width, '0'); }
function fmt(type, v) {
  switch (type) {
    case 'i32': return String(v | 0);
    case 'i64': return 'i64:' + String(BigInt.asIntN(64, BigInt(v)));
    case 'f32': f32.setFloat32(0, v, true); return 'f32:' + hex(f32.getUint32(0, true), 8);
    case 'f64':
      f32.setFloat64(0, v, true);
      return 'f64:' + hex(f32.getBigUint64(0, true), 16);
    default: return v === null ? 'ref:null' : 'ref:nonnull';
  }
}
function zero(type) {
  switch (type) {
    case 'i64': return 0n;
    case 'i32': case 'f32': case 'f64': return 0;
    default: return null;
  }
}

function runModule(job) {
  const events = [];
  let mod;
  try {
    mod = new WebAssembly.Module(readFileSync(job.path));
  } catch (e) {
    events.push(['invalid', String(e.message)]);
    return events;
  }
  const logger = (type) => (...args) => { events.push(['log', args.map((a) => fmt(type, a))]); };
  const imports = {};
  for (const im of WebAssembly.Module.imports(mod)) {
    imports[im.module] ??= {};
    if (im.module === 'fuzzing-support' && im.name.startsWith('log-')) {
      imports[im.module][im.name] = logger(im.name.slice(4));
    }
  }
  let inst;
  try {
    inst = new WebAssembly.Instance(mod, imports);
  } catch (e) {
    events.push([e instanceof WebAssembly.LinkError ? 'link-error' : 'start-trap', String(e.message)]);
    return events;
  }
  // As binaryen's --fuzz-exec: reset the generated module's loop/recursion budget before
  // every export call (untraced).
  const reset = inst.exports.hangLimitInitializer;
  for (const ex of job.exports) {
    events.push(['call', ex.name]);
    const types = [...ex.params, ...ex.results];
    if (types.includes('v128')) {
      events.push(['skipped', 'v128']);
      continue;
    }
    let r;
    try {
      if (typeof reset === 'function') reset();
      r = inst.exports[ex.name](...ex.params.map(zero));
    } catch (e) {
      if (e instanceof RangeError) { events.push(['exhausted', String(e.message)]); continue; }
      if (e instanceof TypeError && /type incompatibility when transforming/.test(e.message)) {
        events.push(['trap', 'TypeError: ' + e.message]);
        continue;
      }
      if (e instanceof TypeError) { events.push(['skip', 'TypeError: ' + e.message]); return events; }
      if (e instanceof WebAssembly.RuntimeError) { events.push(['trap', String(e.message)]); continue; }
      events.push(['skip', 'unexpected ' + String(e)]);
      return events;
    }
    const vals = ex.results.length === 0 ? [] : ex.results.length === 1 ? [r] : [...r];
    events.push(['result', vals.map((v, i) => fmt(ex.results[i], v))]);
  }
  // The state the calls left, as nw_fuzz_harness --state prints it: each exported memory's
  // page count and FNV-1a 32 hash, in export order.
  for (const { name, kind } of WebAssembly.Module.exports(mod)) {
    if (kind !== 'memory') continue;
    const bytes = new Uint8Array(inst.exports[name].buffer);
    let h = 0x811c9dc5;
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
    events.push(['memory', `${name} ${bytes.length / 65536} ${hex(h, 8)}`]);
  }
  return events;
}

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const job of jobs) {
  const events = runModule(job);
  writeSync(1, JSON.stringify({ path: job.path, events, done: true }) + '\n');
}
