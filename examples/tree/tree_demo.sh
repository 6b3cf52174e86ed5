#!/usr/bin/env bash
# The two stories of the capability tree (docs/security.md, "Trees of nanoprocesses"), run for
# real in a temporary directory:
#   1. ZipSlip: the app holds data/ and uploads/, its extractor only uploads/; a malicious
#      archive's "../data/..." and "/data/..." members are refused, data/sentinel.txt unchanged.
#   2. Notification: v2 of a dependency asks for the network (caps --diff flags it, exit 1);
#      run under v1's manifest its connect is refused, the app's secret is out of its reach.
#   3. Components: the same shape with component nodes (components/*.wat, WASI 0.2): the child
#      returns strings and a record by the canonical ABI, holds only uploads/ and is refused
#      ../data/sentinel.txt; a manifest widening its grant is refused at load.
#   examples/tree/tree_demo.sh NANOWASM GUEST_DIR   (GUEST_DIR: build/<preset>/tests/wasi/guests/tree)
# Exit status 0 when every refusal happened as expected.
set -u
nw=$(realpath "$1") guests=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$guests"/*.wasm "$here"/*.toml "$work"/
cp -r "$here"/components "$work"/
cd "$work"
status=0
fail() { echo "   FAIL: $*"; status=1; }

echo "== 1. ZipSlip: the extractor holds uploads/ only"
mkdir -p data uploads
echo "the app's records" > data/sentinel.txt
before=$(sha256sum data/sentinel.txt)
member() { printf '%s\n%s\n%s' "$1" "${#2}" "$2"; }
{ member "photo.txt" "a harmless member"
  member "../data/sentinel.txt" "OWNED via ../"
  member "/data/sentinel.txt" "OWNED via an absolute path"
  member "../../escaped.txt" "OWNED outside the tree"; } > evil.archive
echo "   \$ nanowasm caps --manifest zipslip.toml"
"$nw" caps --manifest zipslip.toml | sed 's/^/   /'
echo "   \$ nanowasm run --dir data --dir uploads --manifest zipslip.toml < evil.archive"
"$nw" run --dir data --dir uploads --manifest zipslip.toml < evil.archive 2>&1 | sed 's/^/   /'
[ "$(sha256sum data/sentinel.txt)" = "$before" ] && echo "   data/sentinel.txt unchanged" ||
  fail "data/sentinel.txt was changed"
[ -f uploads/photo.txt ] || fail "the good member was not extracted"
[ -e escaped.txt ] || [ -e ../escaped.txt ] && fail "a member escaped the tree"
grep -q "extraction done" data/app.log || fail "the app could not write its own data/"
echo "   a manifest that hands the extractor data/ too, which the app does not hold read-write:"
sed 's/dirs = \[{ from = "uploads", mode = "rw" }\]/dirs = [{ from = "uploads", mode = "rw" }, { from = "data", mode = "rw" }]/' \
  zipslip.toml > wider.toml
out=$("$nw" run --dir-ro data --dir uploads --manifest wider.toml < evil.archive 2>&1)
echo "   $out"
[[ $out == *'dir "data" is read-only for its parent "app"'* ]] || fail "widening not refused"
out=$("$nw" run --dir uploads --manifest wider.toml < evil.archive 2>&1)
echo "   $out"
[[ $out == *'dir "data" is not granted to its parent "app"'* ]] || fail "widening not refused"

echo "== 2. Notification: v2 asks for more"
echo "   \$ nanowasm caps --diff notify_v1.wasm notify_v2.wasm"
"$nw" caps --diff notify_v1.wasm notify_v2.wasm | sed 's/^/   /'
rc=${PIPESTATUS[0]}
echo "   exit status $rc (1: NEW asks for more)"
[ "$rc" = 1 ] || fail "caps --diff did not flag v2"
"$nw" caps --diff notify_v2.wasm notify_v1.wasm > /dev/null
rc=$?
echo "   (the other way round, v2 -> v1, drops network:connect: exit status $rc)"
[ "$rc" = 0 ] || fail "caps --diff flagged a downgrade"
echo "   \$ nanowasm run --dir data --dir uploads --manifest notify-v1.toml"
"$nw" run --dir data --dir uploads --manifest notify-v1.toml 2>&1 | sed 's/^/   /'
echo "   \$ nanowasm run --dir data --dir uploads --manifest notify-v2-under-v1.toml  (v2, v1's keys)"
out=$("$nw" run --dir data --dir uploads --manifest notify-v2-under-v1.toml 2>&1)
echo "$out" | sed 's/^/   /'
[[ $out == *"refused: errno 76 (not capable)"* ]] || fail "the connect was not refused"
[[ $out == *"secret not there"* ]] || fail "the secret was reachable"
[[ $out == *"fd 3: bad descriptor"* && $out == *"fd 4: bad descriptor"* ]] ||
  fail "the app's descriptors were reachable"
[[ $out == *"notify returned 0"* ]] || fail "v2 reported a success"

echo "== 3. Components: the dependency as a component node (its own WASI 0.2 context)"
echo "   \$ nanowasm caps --manifest components.toml"
"$nw" caps --manifest components.toml | sed 's/^/   /'
before=$(sha256sum data/sentinel.txt)
echo "   \$ nanowasm run --dir data --dir uploads --manifest components.toml"
out=$("$nw" run --dir data --dir uploads --manifest components.toml 2>&1)
echo "$out"
[[ $out == *"lib greets the app: hello, app"* ]] || fail "no string back from the child"
[[ $out == *"lib holds its own directory: uploads"* ]] || fail "no record back from the child"
[[ $out == *"../data/sentinel.txt: refused, not-permitted"* ]] || fail "the child's escape was not refused"
[ "$(sha256sum data/sentinel.txt)" = "$before" ] && echo "   data/sentinel.txt unchanged" ||
  fail "data/sentinel.txt was changed"
sed 's/dirs = \[{ from = "uploads", mode = "rw" }\]/dirs = [{ from = "data", mode = "rw" }]/' \
  components.toml > cwider.toml
out=$("$nw" run --dir-ro data --dir uploads --manifest cwider.toml 2>&1)
echo "   a manifest handing lib data/ read-write, which the app holds read-only:"
echo "   $out"
[[ $out == *'node "lib": dir "data" is read-only for its parent "app"'* ]] || fail "widening not refused"

[ $status = 0 ] && echo "== every refusal as expected" || echo "== UNEXPECTED RESULTS"
exit $status
