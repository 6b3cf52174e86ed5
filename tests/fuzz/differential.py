#!/usr/bin/env python3
"""Differential fuzzing driver: nanowasm against V8 (Node) and Binaryen's interpreter.

Modules come from Binaryen's generator (`wasm-opt -ttf`: random bytes in, a valid module out,
which logs values through `fuzzing-support` imports). Each module runs in
  nanowasm  nw_fuzz_harness (harness.cc), engine chosen with --engine (interp today);
  V8        node harness.mjs, many modules per process;
  Binaryen  wasm-opt --fuzz-exec-before (its interpreter).
Every exported function is called in export order with default (zero/null) arguments; the
traces (logged values, each call's results or trap, then each exported memory's size and
hash) are compared call by call:
  * against Binaryen, bit for bit, NaNs included: Binaryen 108's interpreter returns the
    canonical NaN from add, sub, mul, div, min and max (scalar and SIMD) and the hardware's NaN
    from the other operations whose NaN result the spec leaves nondeterministic (WebAssembly
    2.0 section 4.3.3), so nanowasm runs that comparison with `--nans arithmetic`
    (Config::canonicalize_nans = kArithmetic), which does the same;
  * against V8 (which propagates payloads as the hardware does, and returns x86's default NaN
    from min/max): floats bit-exact except that any NaN matches any NaN, v128 lane-exact
    except lanes that are NaNs in both under one float lane shape (f32x4 or f64x2). JS cannot
    pass a v128, so nanowasm runs that comparison with --js-boundary: both skip exports with
    v128 in their signature, and a call of a v128 logging import traps in both (V8: TypeError),
    so SIMD modules are compared past such exports;
  * references: only null vs non-null;
  * traps: by occurrence only (messages differ between engines);
  * a call where any engine hit a resource limit (stack exhaustion, fuel, Binaryen's "host
    limit"), or anything else V8 cannot do from JS, makes the rest of that module inconclusive
    for that peer (state may differ from there on); counted, never a match.
With --engine both, nanowasm runs on both tiers: the interpreter against Binaryen and V8 as
above, the opt tier against V8 the same way, and the two tiers against each other with
canonical NaNs (--nans all) event for event, bit for bit: values, traps, fuel exhaustion (the
opt tier charges fuel as the interpreter does), exported memories and globals; only a call that
exhausted the stack on either tier (their depths differ) makes the rest inconclusive.
Node 20 may crash (SIGSEGV) at exit after a large batch: modules whose record was complete
count as run, the crash is counted apart (node_exit_crashes) and never as a mismatch; a module
without a record (Node died before it) is 'unavailable' for V8.
A mismatch is saved (module.wasm + the traces + report.txt) under --out. It is explained
(see explain()) in two documented cases only, and unexplained otherwise:
  * a mismatch with V8 alone, when nanowasm matched Binaryen exactly on the module and the
    module with NaNs removed at run time (`wasm-opt --denan`) matches V8: NaN bits that
    reached an integer (a NaN stored and hashed, reinterpreted, or tested);
  * a mismatch with Binaryen alone, in a module with ceil/floor/trunc, whose values differ
    only in quiet bits Binaryen left clear: Binaryen 108 returns a signalling NaN operand of
    those operations unquieted, where the spec requires a quiet (arithmetic) NaN.

Commands:
  gen     --count N --seed S --out DIR       generated modules only (fuzz seed corpora)
  run     --harness PATH --cases N --seed S  [--out DIR] [--engine interp|opt|both] [--batch 50]
          [--seconds T]  (no new batch after T seconds; the summary is written as usual)
  recheck --harness PATH DIR                 re-run saved mismatch-<case>/ dirs, current rules
  replay  --harness PATH DIR                 regressions: X.wat vs expected trace X.expected
Python 3 standard library only.
"""
import argparse
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# What nanowasm implements (WebAssembly 2.0); Binaryen 108 would otherwise add GC, EH, ...
# Not reference-types: Binaryen 108's version of it generates `anyref` (the pre-standard
# typed-references form, encoded as a GC heap type) in ~90% of modules, which neither
# nanowasm nor V8 accepts as 2.0; funcref/externref are covered by the spec testsuite.
BASE_FEATURES = ['--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int',
                 '--enable-mutable-globals', '--enable-bulk-memory', '--enable-multivalue']
SIMD = ['--enable-simd']


def features(case):
    # Every other case without SIMD: V8 cannot call exports or imports with v128 from JS, so
    # SIMD modules often end V8's comparison early.
    return BASE_FEATURES + (SIMD if case % 2 else [])


def generate(case, seed, path):
    rng = random.Random(seed * 1000003 + case)
    data = bytes(rng.getrandbits(8) for _ in range(rng.randint(512, 16384)))
    with tempfile.NamedTemporaryFile(suffix='.dat', delete=False) as f:
        f.write(data)
        src = f.name
    try:
        r = subprocess.run(['wasm-opt', src, '-ttf', *features(case), '-o', path],
                           capture_output=True, timeout=60)
        return r.returncode == 0
    finally:
        os.unlink(src)


# ---- traces -----------------------------------------------------------------------------------
# A trace is a list of events: ('invalid'|'link-error'|'start-trap', msg), ('call', name),
# ('log', [vals]), ('result', [vals]), ('trap', msg), ('exhausted', msg), ('skip', why),
# ('skipped', 'v128') (an export JS cannot call, skipped by both sides: compared as an event).
# nanowasm and V8 values are canonical strings; Binaryen's are ('raw', text), typed on compare.

def base_engine(engine):
    """The tier compared with Binaryen and V8 first (--engine both: the interpreter)."""
    return 'interp' if engine == 'both' else engine


def run_nanowasm(harness, engine, path, timeout=120, canonical_nans=False, js_boundary=False,
                 nans=None, explicit_bounds=False):
    nans = nans or ('arithmetic' if canonical_nans else None)
    flags = (['--nans', nans] if nans else []) + (['--js-boundary'] if js_boundary else []) + (
        ['--bounds', 'explicit'] if explicit_bounds else [])
    try:
        r = subprocess.run([harness, '--engine', base_engine(engine), '--state', *flags, path],
                           capture_output=True,
                           timeout=timeout, text=True, errors='replace')
    except subprocess.TimeoutExpired:
        return None, [], 'timeout'
    events, exports, complete = [], [], False
    for line in r.stdout.splitlines():
        word, _, rest = line.partition(' ')
        if word == 'export':
            name, sig = rest.split(' ', 1)
            params, results = sig.split('->')
            exports.append({'name': name, 'params': [p for p in params.strip().split(',') if p],
                            'results': results.split()})
        elif word in ('log', 'result'):
            events.append((word, rest.split()))
        elif word in ('call', 'invalid', 'link-error', 'start-trap', 'trap', 'exhausted',
                      'skipped', 'memory', 'global'):
            events.append((word, rest))
        elif word == 'end':
            complete = True
    if r.returncode != 0 or not complete:
        return None, exports, f'harness exit {r.returncode}: {r.stderr[-2000:]}'
    return events, exports, None


def run_node(jobs, tmpdir, timeout=600, status=None):
    """Runs a batch; returns {path: events} for modules whose record is complete. status (a
    dict), if given, counts 'node_exit_crashes': Node killed by a signal after it completed
    every module of the batch (Node 20 may segfault at exit after large programs), which is
    not a finding; modules without a record are left out (unavailable), never mismatches."""
    job_file = os.path.join(tmpdir, 'jobs.json')
    with open(job_file, 'w') as f:
        json.dump(jobs, f)
    try:
        r = subprocess.run(['node', os.path.join(HERE, 'harness.mjs'),
                            job_file], capture_output=True, timeout=timeout, text=True,
                           errors='replace')
        out, rc = r.stdout, r.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode(errors='replace') if isinstance(e.stdout, bytes) else (e.stdout or '')
        rc = 'timeout'
    done = {}
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue  # a partial line from a process that died mid-write
        if rec.get('done'):
            done[rec['path']] = [tuple(e) for e in rec['events']]
    if status is not None and rc != 0:
        key = 'node_exit_crashes' if len(done) == len(jobs) else 'node_died_mid_batch'
        status[key] = status.get(key, 0) + 1
    return done


def run_binaryen(path, case, timeout=120):
    try:
        r = subprocess.run(['wasm-opt', path, *features(case), '--fuzz-exec-before', '-q'],
                           capture_output=True, timeout=timeout, text=True, errors='replace')
    except subprocess.TimeoutExpired:
        return None, 'timeout'
    events = []
    for line in r.stdout.splitlines():
        if line.startswith('[fuzz-exec] calling '):
            events.append(('call', line[len('[fuzz-exec] calling '):]))
        elif line.startswith('[LoggingExternalInterface logging '):
            text = line[len('[LoggingExternalInterface logging '):-1]
            # One v128 prints as "i32x4 0x.. 0x.. 0x.. 0x.."; an i64 as two i32 halves.
            vals = [text] if text.startswith('i32x4 ') else text.split(' ')
            events.append(('log', [('raw', v) for v in vals]))
        elif line.startswith('[fuzz-exec] note result: '):
            body = line[len('[fuzz-exec] note result: '):].split(' => ', 1)[1]
            if body.startswith('(') and body.endswith(')'):
                vals = [v.strip() for v in body[1:-1].split(',')]
            else:
                vals = [body]
            events.append(('result', [('raw', v) for v in vals]))
        elif line.startswith('[trap '):
            msg = line[6:-1]
            events.append(('exhausted' if 'stack limit' in msg else 'trap', msg))
        elif line.startswith('[host limit'):
            events.append(('exhausted', line))
    if r.returncode != 0:
        return None, f'wasm-opt exit {r.returncode}: {r.stderr[-1000:]}'
    # A call with neither a result line nor a trap returned nothing.
    out, open_call = [], False
    for e in events:
        if e[0] == 'call':
            if open_call:
                out.append(('result', []))
            open_call = True
        elif e[0] in ('result', 'trap', 'exhausted'):
            open_call = False
        out.append(e)
    if open_call:
        out.append(('result', []))
    return out, None


# ---- comparison --------------------------------------------------------------------------------

def is_nan(v):
    if v.startswith('f32:'):
        b = int(v[4:], 16)
        return (b & 0x7f800000) == 0x7f800000 and (b & 0x7fffff) != 0
    if v.startswith('f64:'):
        b = int(v[4:], 16)
        return (b >> 52 & 0x7ff) == 0x7ff and (b & ((1 << 52) - 1)) != 0
    return False


def nan_bits(text, f32):
    """Binaryen's spelling of a NaN ('nan', '-nan', 'nan:0xP', '-nan:0xP') as its bits."""
    sign = text.startswith('-')
    payload_text = text.lstrip('-+')[4:]  # after 'nan:'
    if f32:
        payload = int(payload_text, 16) if payload_text else 0x400000
        return 'f32:%08x' % ((sign << 31) | 0x7f800000 | payload)
    payload = int(payload_text, 16) if payload_text else 1 << 51
    return 'f64:%016x' % ((sign << 63) | (0x7ff << 52) | payload)


def canon_raw(text, like, exact_nans=False):
    """Binaryen's text for a value, spelt like nanowasm's value `like` (which has the type)."""
    if like.startswith('ref:'):
        return like  # references: not compared beyond their presence
    if like.startswith('v128:'):
        parts = text.split()
        if parts and parts[0] == 'i32x4':
            return 'v128:' + ','.join('%08x' % (int(p, 16) & 0xffffffff) for p in parts[1:5])
        return 'v128:?' + text
    if like.startswith('f32:') or like.startswith('f64:'):
        if 'nan' in text:
            return nan_bits(text, like.startswith('f32:')) if exact_nans else 'nan'
        x = float(text)
        if like.startswith('f32:'):
            return 'f32:%08x' % struct.unpack('<I', struct.pack('<f', x))[0]
        return 'f64:%016x' % struct.unpack('<Q', struct.pack('<d', x))[0]
    try:
        return ('i64:' if like.startswith('i64:') else '') + str(int(text))
    except ValueError:
        return '?' + text


def v128_nan_match(a, b):
    """v128 values equal lane by lane, where a lane that is a NaN in both matches, for either
    float lane shape (the type system does not say which one the value has)."""
    try:
        la = [int(x, 16) for x in a[5:].split(',')]
        lb = [int(x, 16) for x in b[5:].split(',')]
    except ValueError:
        return False
    f32 = all(x == y or (is_nan('f32:%08x' % x) and is_nan('f32:%08x' % y))
              for x, y in zip(la, lb))
    qa = [la[0] | la[1] << 32, la[2] | la[3] << 32]
    qb = [lb[0] | lb[1] << 32, lb[2] | lb[3] << 32]
    f64 = all(x == y or (is_nan('f64:%016x' % x) and is_nan('f64:%016x' % y))
              for x, y in zip(qa, qb))
    return f32 or f64


def quieted(peer_bits, ours, quiet_bit, is_nan_bits):
    """ours is the peer's signalling NaN with the quiet bit set (the peer did not quiet it)."""
    return (peer_bits & quiet_bit) == 0 and ours == peer_bits | quiet_bit and is_nan_bits(ours)


def unquieted_match(a, b):
    """a (nanowasm) equals b (peer) except where b is a signalling NaN that a has quieted; for
    v128, under one float lane shape."""
    if a.startswith('f32:') and b.startswith('f32:'):
        x, y = int(a[4:], 16), int(b[4:], 16)
        return x == y or quieted(y, x, 0x400000, lambda v: is_nan('f32:%08x' % v))
    if a.startswith('f64:') and b.startswith('f64:'):
        x, y = int(a[4:], 16), int(b[4:], 16)
        return x == y or quieted(y, x, 1 << 51, lambda v: is_nan('f64:%016x' % v))
    if a.startswith('v128:') and b.startswith('v128:'):
        la = [int(v, 16) for v in a[5:].split(',')]
        lb = [int(v, 16) for v in b[5:].split(',')]
        f32 = all(x == y or quieted(y, x, 0x400000, lambda v: is_nan('f32:%08x' % v))
                  for x, y in zip(la, lb))
        qa = [la[0] | la[1] << 32, la[2] | la[3] << 32]
        qb = [lb[0] | lb[1] << 32, lb[2] | lb[3] << 32]
        f64 = all(x == y or quieted(y, x, 1 << 51, lambda v: is_nan('f64:%016x' % v))
                  for x, y in zip(qa, qb))
        return f32 or f64
    return a == b


def val_match(a, b, exact_nans=False, peer_unquieted=False):
    if isinstance(b, tuple):
        b = canon_raw(b[1], a, exact_nans)
        if b == 'nan':
            return is_nan(a)
    if a.startswith('ref:') or b.startswith('ref:'):
        return a.startswith('ref:') and b.startswith('ref:') and (a == b)
    if exact_nans:
        return unquieted_match(a, b) if peer_unquieted else a == b
    if a.startswith('v128:') and b.startswith('v128:'):
        return v128_nan_match(a, b)
    if is_nan(a) and is_nan(b):
        return True
    return a == b


def binaryen_log_values(typed, raw):
    """Binaryen logs an i64 as two i32 halves (low, high): join them as nanowasm spells it."""
    out, i = [], 0
    for t in typed:
        if i >= len(raw):
            break
        if t.startswith('i64:') and i + 1 < len(raw):
            try:
                lo, hi = int(raw[i][1]) & 0xffffffff, int(raw[i + 1][1]) & 0xffffffff
                v = lo | hi << 32
                out.append('i64:%d' % (v - (1 << 64) if v >> 63 else v))
                i += 2
                continue
            except ValueError:
                pass
        out.append(raw[i])
        i += 1
    return out + raw[i:]


def split_state(events):
    """(events without the state lines, the state lines: exported memories and globals)."""
    return ([e for e in events if e[0] not in ('memory', 'global')],
            [e for e in events if e[0] in ('memory', 'global')])


def compare_tiers(a, b):
    """The interpreter's and the opt tier's traces (both --nans all): equal event for event
    (values bit for bit, traps by message, fuel exhaustion included), then equal state. A call
    that exhausted the stack on either tier ends the comparison: inconclusive."""
    ah, ac = split_calls(split_state(a)[0])
    bh, bc = split_calls(split_state(b)[0])
    if ah != bh:
        return 'mismatch', f'module status: interp {ah} vs opt {bh}'
    for i, (x, y) in enumerate(zip(ac, bc)):
        stack = [e for e in x + y if e[0] == 'exhausted' and 'stack' in e[1]]
        if stack:
            return 'inconclusive', f'call {x[0][1]}: {stack[0][1]}'
        if x != y:
            diff = next((f'{p} vs {q}' for p, q in zip(x, y) if p != q),
                        f'{len(x)} vs {len(y)} events')
            return 'mismatch', f'call #{i} {x[0][1]}: interp vs opt: {diff}'
    if len(ac) != len(bc):
        return 'mismatch', f'interp made {len(ac)} calls, opt {len(bc)}'
    if split_state(a)[1] != split_state(b)[1]:
        return 'mismatch', f'state: interp {split_state(a)[1]} vs opt {split_state(b)[1]}'
    return 'match', ''


def split_calls(events):
    head, calls = [], []
    for e in events:
        if e[0] == 'call':
            calls.append([e])
        elif calls:
            calls[-1].append(e)
        else:
            head.append(e)
    return head, calls


def compare(nw, peer, exact_nans=False, peer_unquieted=False):
    """Returns ('match'|'mismatch'|'inconclusive', detail). exact_nans: NaN bits must be equal
    too (for nanowasm's canonical-NaN trace against Binaryen); peer_unquieted: except that the
    peer's signalling NaN may be nanowasm's quiet one (see explain())."""
    nw, nstate = split_state(nw)
    peer, pstate = split_state(peer)
    nh, nc = split_calls(nw)
    ph, pc = split_calls(peer)
    nstat = nh[0][0] if nh else 'ok'
    pstat = ph[0][0] if ph else 'ok'
    if nstat != pstat:
        return 'mismatch', f'module status: nanowasm {nstat}, peer {pstat} ({ph or nh})'
    for i, (a, b) in enumerate(zip(nc, pc)):
        name = a[0][1]
        if b[0][1] != name:
            return 'mismatch', f'call #{i}: nanowasm calls {name}, peer calls {b[0][1]}'
        kinds = {e[0] for e in a + b}
        if kinds & {'exhausted', 'skip'}:
            why = [e for e in a + b if e[0] in ('exhausted', 'skip')][0]
            return 'inconclusive', f'call {name}: {why[0]} {why[1]}'
        la = [e for e in a[1:]]
        lb = [e for e in b[1:]]
        if len(la) != len(lb):
            return 'mismatch', f'call {name}: nanowasm {la[:8]}... vs peer {lb[:8]}...'
        for ea, eb in zip(la, lb):
            if ea[0] != eb[0]:
                return 'mismatch', f'call {name}: nanowasm {ea} vs peer {eb}'
            if ea[0] in ('log', 'result'):
                if ea[0] == 'log' and eb[1] and isinstance(eb[1][0], tuple):
                    eb = ('log', binaryen_log_values(ea[1], eb[1]))
                if len(ea[1]) != len(eb[1]) or not all(
                        val_match(x, y, exact_nans, peer_unquieted)
                        for x, y in zip(ea[1], eb[1])):
                    return 'mismatch', f'call {name}: nanowasm {ea} vs peer {eb}'
    if len(nc) != len(pc):
        return 'mismatch', f'nanowasm made {len(nc)} calls, peer {len(pc)}'
    # The memories the calls left (a peer that reports none, Binaryen, is not compared).
    nmem = [e for e in nstate if e[0] == 'memory']
    pmem = [e for e in pstate if e[0] == 'memory']
    if pmem and nmem != pmem:
        return 'mismatch', f'state after the calls: nanowasm {nmem} vs peer {pmem}'
    return 'match', ''


# ---- commands ----------------------------------------------------------------------------------

def have(tool):
    return shutil.which(tool) is not None


def cmd_gen(args):
    os.makedirs(args.out, exist_ok=True)
    n = 0
    for case in range(args.count):
        if generate(case, args.seed, os.path.join(args.out, f'gen-{args.seed}-{case}.wasm')):
            n += 1
    print(f'generated {n} modules in {args.out}')
    return 0


def save_repro(out, case, path, traces, report):
    d = os.path.join(out, f'mismatch-{case}')
    os.makedirs(d, exist_ok=True)
    shutil.copy(path, os.path.join(d, 'module.wasm'))
    for name, t in traces.items():
        with open(os.path.join(d, f'{name}.trace'), 'w') as f:
            for e in t or []:
                f.write(json.dumps(e) + '\n')
    with open(os.path.join(d, 'report.txt'), 'w') as f:
        f.write(report + '\n')
    return d


def denan_agrees_with_v8(args, path, case, tmp, engine=None):
    """nanowasm and V8 agree on the module with NaNs removed at run time (a real match:
    'inconclusive' is not agreement)."""
    engine = engine or args.engine
    dn = os.path.join(tmp, 'denan.wasm')
    if subprocess.run(['wasm-opt', path, *features(case), '--denan', '-o', dn],
                      capture_output=True).returncode != 0:
        return False
    nw, exports, err = run_nanowasm(args.harness, engine, dn, js_boundary=True)
    if nw is None or err:
        return False
    v8 = run_node([{'path': dn, 'exports': exports}], tmp).get(dn)
    return v8 is not None and compare(nw, v8)[0] == 'match'


ROUNDING = re.compile(r'\((f32|f64|f32x4|f64x2)\.(ceil|floor|trunc)\b')


def has_rounding(path):
    r = subprocess.run(['wasm-dis', path], capture_output=True, text=True, errors='replace')
    return bool(ROUNDING.search(r.stdout))


def explain(args, case, path, tmp, nwc, peers, bad, matched):
    """Why a mismatch is not a nanowasm bug, or None (unexplained). Two documented causes:"""
    bad_peers = [p for p, _ in bad]
    # (The opt tier's guard-region mode is exact since issue 14: an unused out-of-bounds load
    # traps and the memory at a trap is the interpreter's, so a tier mismatch is never
    # explained away; only the opt-in -W opt-relaxed-traps mode deviates, and it is not run.)
    # 1. NaN bits that reached an integer, seen by V8 only (V8 propagates payloads and
    #    nanowasm's trace for it keeps the hardware's NaNs; Binaryen matched exactly). For the
    #    opt tier (--engine both): it matched the interpreter exactly with canonical NaNs, and
    #    its denanned run matches V8 (LLVM may fold a NaN to another payload than x86 gives).
    if 'node-opt' in bad_peers and 'opt' in matched and denan_agrees_with_v8(
            args, path, case, tmp, engine='opt'):
        bad_peers = [p for p in bad_peers if p != 'node-opt']
        if not bad_peers:
            return ('NaN payload nondeterminism on the opt tier (it matches the interpreter '
                    'exactly with canonical NaNs, and the denanned module matches V8)')
    if bad_peers == ['node'] and 'binaryen' in matched and denan_agrees_with_v8(
            args, path, case, tmp):
        return ('NaN payload nondeterminism (nanowasm matches Binaryen exactly (--nans '
                'arithmetic), and the denanned module matches V8; WebAssembly 2.0 sec. 4.3.3, '
                'NaN propagation)')
    # 2. Binaryen 108's f32/f64 (and f32x4/f64x2) ceil, floor and trunc return a signalling NaN
    #    operand unchanged; a NaN result must be an arithmetic (quiet) NaN, as nanowasm returns.
    #    Only when the module has such an operation, V8 did not mismatch, and the traces differ
    #    in nothing but quiet bits that Binaryen left clear.
    if (bad_peers == ['binaryen'] and has_rounding(path) and
            compare(nwc, peers['binaryen'], exact_nans=True, peer_unquieted=True)[0] == 'match'):
        return ("Binaryen 108's ceil/floor/trunc return a signalling NaN unquieted; nanowasm's "
                'quiet NaN is the conforming result (WebAssembly 2.0 sec. 4.3.3: the result is '
                'an element of nans{z}, arithmetic NaNs, quiet bit set)')
    return None


def check_module(args, case, path, tmp, nw_run, node_trace, stats=None, notes=None):
    """Compares nanowasm with both peers on one module. nw_run: nanowasm's --js-boundary run
    (for V8), node_trace: V8's events, both from the caller's batch; nanowasm's run with
    Binaryen's NaN canonicalization and Binaryen's run happen here. Returns (status, report,
    traces), status 'ok' | 'crash' | 'explained' | 'unexplained'."""
    nw, _, err = nw_run
    nwc, _, errc = run_nanowasm(args.harness, args.engine, path, canonical_nans=True)
    if err or errc:
        return 'crash', f'nanowasm harness: {err or errc}', {
            'nanowasm': nw, 'nanowasm-canonical': nwc}
    tier_traces = {}
    if args.engine == 'both':
        # The opt tier: against the interpreter (both canonical, exact), and against V8.
        runs = {'interp-nans-all': run_nanowasm(args.harness, 'interp', path, nans='all'),
                'opt-nans-all': run_nanowasm(args.harness, 'opt', path, nans='all'),
                'nanowasm-opt': run_nanowasm(args.harness, 'opt', path, js_boundary=True)}
        tier_traces = {k: v[0] for k, v in runs.items()}
        errs = [f'{k}: {v[2]}' for k, v in runs.items() if v[2]]
        if errs:
            return 'crash', 'nanowasm harness: ' + '; '.join(errs), {
                'nanowasm': nw, 'nanowasm-canonical': nwc, **tier_traces}
    if stats is not None:
        stats['modules'] += 1
        stats['calls_compared'] += sum(1 for e in nw if e[0] == 'call')
    peers = {'binaryen': run_binaryen(path, case)[0], 'node': node_trace}
    if args.engine == 'both':
        peers['opt'] = tier_traces['opt-nans-all']
        peers['node-opt'] = node_trace
    bad, matched, verdicts = [], [], {}
    for peer, trace in peers.items():
        if trace is None:
            verdicts[peer] = 'unavailable'
            continue
        if peer == 'binaryen':
            verdict, detail = compare(nwc, trace, exact_nans=True)
        elif peer == 'opt':
            verdict, detail = compare_tiers(tier_traces['interp-nans-all'], trace)
        elif peer == 'node-opt':
            verdict, detail = compare(tier_traces['nanowasm-opt'], trace)
        else:
            verdict, detail = compare(nw, trace)
        verdicts[peer] = verdict
        if verdict == 'inconclusive' and notes is not None:
            key = f"{peer}: {detail.split(': ', 1)[1][:60] if ': ' in detail else detail}"
            notes[key] = notes.get(key, 0) + 1
        if verdict == 'mismatch':
            bad.append((peer, detail))
        elif verdict == 'match':
            matched.append(peer)
    if stats is not None:
        for peer, verdict in verdicts.items():
            stats[f'{peer}_{verdict}'] += 1
    traces = {'nanowasm': nw, 'nanowasm-canonical': nwc, **tier_traces, **peers}
    if not bad:
        return 'ok', '', traces
    report = '\n'.join(f'{p}: {d}' for p, d in bad)
    report += '\nverdicts: ' + ', '.join(f'{p} {v}' for p, v in verdicts.items())
    reason = explain(args, case, path, tmp, nwc, {**peers, **tier_traces}, bad, matched)
    if reason:
        report += '\nexplained: ' + reason
    return ('explained' if reason else 'unexplained'), report, traces


def cmd_run(args):
    missing = [t for t in ('wasm-opt', 'node') if not have(t)]
    if 'wasm-opt' in missing:
        print('*** SKIPPED: wasm-opt (Debian package binaryen) not found: no generator ***')
        return 0
    out = args.out or os.path.join(tempfile.gettempdir(), f'nanowasm-differential-{args.engine}')
    os.makedirs(out, exist_ok=True)
    stats = {'modules': 0, 'generator_failed': 0, 'nanowasm_crash': 0,
             'engine': args.engine, 'seed': args.seed}
    peer_names = ('node', 'binaryen') + (('opt', 'node-opt') if args.engine == 'both' else ())
    for peer in peer_names:
        for k in ('match', 'mismatch', 'inconclusive', 'unavailable'):
            stats[f'{peer}_{k}'] = 0
    stats['node_exit_crashes'] = stats['node_died_mid_batch'] = 0
    stats['calls_compared'] = 0
    explained, unexplained, inconclusive_notes = [], [], {}
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for start in range(0, args.cases, args.batch):
            if args.seconds and time.time() - t0 >= args.seconds:
                print(f'stopping: --seconds {args.seconds} reached before case {start}')
                stats['stopped_at_case'] = start
                break
            cases = range(start, min(start + args.batch, args.cases))
            batch = []
            for case in cases:
                path = os.path.join(tmp, f'case-{case}.wasm')
                if not generate(case, args.seed, path):
                    stats['generator_failed'] += 1
                    continue
                batch.append((case, path))
            # nanowasm as JS sees it (compared with V8; it also gives the export signatures).
            nw_runs = {p: run_nanowasm(args.harness, args.engine, p, js_boundary=True)
                       for _, p in batch}
            node_res = {}
            if 'node' not in missing and batch:
                # V8 needs the export signatures, which nanowasm's trace gives.
                node_res = run_node([{'path': p, 'exports': nw_runs[p][1]} for _, p in batch],
                                    tmp, status=stats)
            for case, path in batch:
                status, report, traces = check_module(
                    args, case, path, tmp, nw_runs[path],
                    node_res.get(path) if 'node' not in missing else None,
                    stats, inconclusive_notes)
                if status == 'ok':
                    continue
                d = save_repro(out, case, path, traces, report)
                if status == 'crash':
                    stats['nanowasm_crash'] += 1
                    unexplained.append((case, 'crash', report[:300], d))
                else:
                    (explained if status == 'explained' else unexplained).append((case, report, d))
            print(f'[{time.time() - t0:6.0f}s] {stats["modules"]} modules, '
                  f'{len(unexplained)} unexplained, {len(explained)} explained', flush=True)
    stats['seconds'] = round(time.time() - t0, 1)
    stats['explained_mismatches'] = len(explained)
    stats['unexplained_mismatches'] = len(unexplained)
    stats['inconclusive_reasons'] = inconclusive_notes
    with open(os.path.join(out, 'summary.json'), 'w') as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats, indent=1))
    for case, *rest in unexplained:
        print(f'UNEXPLAINED case {case}: {rest}')
    for case, *rest in explained:
        print(f'explained case {case}: {rest}')
    print(f'results in {out}')
    compared = sum(stats[f'{peer}_{k}'] for peer in peer_names
                   for k in ('match', 'mismatch', 'inconclusive'))
    if args.engine == 'both' and stats['opt_match'] == 0:
        print('FAILED: --engine both, but no module matched between the tiers '
              f'({stats["opt_mismatch"]} mismatches, {stats["opt_inconclusive"]} inconclusive)')
        return 1
    if stats['modules'] == 0 or compared == 0:
        print(f'FAILED: no module was compared ({stats["modules"]} modules run, '
              f'{compared} peer comparisons)')
        return 1
    if 'node' in missing and not unexplained:
        print('*** SKIPPED: node not found: the V8 comparison did not run '
              '(Binaryen comparison above) ***')
    return 1 if unexplained else 0


def cmd_recheck(args):
    """Re-runs every saved mismatch-<case>/module.wasm under DIR with the current harness and
    rules (after a fix, or a new explanation) and prints each one's status."""
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(os.listdir(args.dir), key=lambda n: (len(n), n)):
            m = re.fullmatch(r'mismatch-(\d+)', name)
            if not m:
                continue
            case, path = int(m.group(1)), os.path.join(args.dir, name, 'module.wasm')
            nw_run = run_nanowasm(args.harness, args.engine, path, js_boundary=True)
            node = (run_node([{'path': path, 'exports': nw_run[1]}], tmp).get(path)
                    if have('node') else None)
            status, report, _ = check_module(args, case, path, tmp, nw_run, node)
            counts[status] = counts.get(status, 0) + 1
            print(f'case {case}: {status}' + ('\n  ' + report.replace('\n', '\n  ')
                                             if report else ''))
    print(json.dumps(counts))
    return 1 if counts.get('unexplained') or counts.get('crash') else 0


def cmd_replay(args):
    """Each X.wat (or X.wasm) in DIR runs in nanowasm; its trace must equal X.expected."""
    bad = 0
    n = 0
    for name in sorted(os.listdir(args.dir)):
        stem, ext = os.path.splitext(name)
        if ext not in ('.wat', '.wasm'):
            continue
        n += 1
        r = subprocess.run([args.harness, '--engine', args.engine, os.path.join(args.dir, name)],
                           capture_output=True, text=True)
        got = [l for l in r.stdout.splitlines() if not l.startswith('module ')]
        with open(os.path.join(args.dir, stem + '.expected')) as f:
            want = [l.strip() for l in f if l.strip() and not l.startswith(';')]
        if got != want or r.returncode != 0:
            bad += 1
            print(f'FAIL {name}:\n  got:  {got}\n  want: {want}\n{r.stderr}')
        else:
            print(f'ok   {name}')
    print(f'{n - bad}/{n} differential regressions pass')
    if n == 0:
        print(f'FAILED: no .wat/.wasm inputs in {args.dir}: nothing replayed')
        return 1
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('gen')
    g.add_argument('--count', type=int, default=64)
    g.add_argument('--seed', type=int, default=7)
    g.add_argument('--out', required=True)
    r = sub.add_parser('run')
    r.add_argument('--harness', required=True)
    r.add_argument('--engine', default='interp', choices=('interp', 'opt', 'both'))
    r.add_argument('--cases', type=int, default=50)
    r.add_argument('--seed', type=int, default=1)
    r.add_argument('--batch', type=int, default=50)
    r.add_argument('--seconds', type=float, default=0,
                   help='start no new batch after this many seconds (0: no limit)')
    r.add_argument('--out')
    c = sub.add_parser('recheck')
    c.add_argument('--harness', required=True)
    c.add_argument('--engine', default='interp')
    c.add_argument('dir')
    p = sub.add_parser('replay')
    p.add_argument('--harness', required=True)
    p.add_argument('--engine', default='interp')
    p.add_argument('dir')
    args = ap.parse_args()
    return {'gen': cmd_gen, 'run': cmd_run, 'replay': cmd_replay,
            'recheck': cmd_recheck}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
