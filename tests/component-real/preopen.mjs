// Loaded with `node --import` before jco: jco runs its bundled wasm-tools on the WASI 0.2 shim
// (@bytecodealliance/preview2-shim), which starts with no preopened directory, so every
// command that reads or writes a file through it (embed --wit, new, wit, print, ...) fails
// with "No such file or directory". This grants the host's `/` as `/` to each copy of the
// shim jco can load (jco-transpile nests its own). NW_JCO_PREOPENS=HOST::GUEST[,...] grants
// those instead: the reference runs of WASI commands (`jco run --jco-import`) see only them.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const here = createRequire(import.meta.url);
const jcoMain = here.resolve('@bytecodealliance/jco');
const transpileMain = createRequire(jcoMain).resolve('@bytecodealliance/jco-transpile');
const shims = new Set();
for (const from of [jcoMain, transpileMain]) {
  try {
    shims.add(createRequire(from).resolve('@bytecodealliance/preview2-shim/filesystem'));
  } catch {
    // This package has no copy of the shim of its own: nothing to grant there.
  }
}
if (shims.size === 0) throw new Error('preopen.mjs: no @bytecodealliance/preview2-shim found under jco');
const preopens = {};
for (const grant of (process.env.NW_JCO_PREOPENS ?? '/::/').split(',')) {
  const [host, guest] = grant.split('::');
  preopens[guest ?? host] = host;
}
for (const path of shims) {
  const fs = await import(pathToFileURL(path).href);
  fs._setPreopens(preopens);
}
