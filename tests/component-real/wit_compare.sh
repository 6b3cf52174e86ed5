#!/bin/sh
# `nanowasm wit` against jco on one component:
#  1. the world (nanowasm's output up to its first nested `package` block) equals `jco wit`'s
#     output, whitespace normalised (jco prints only the root package: the world);
#  2. round trip: nanowasm's whole output (world + interface definitions) fed back to
#     `jco embed --dummy` + `jco new` gives a component whose `nanowasm wit` has the same lines
#     (sorted: wit-component may order an interface's types differently) and whose `jco wit`
#     is the same world.
#   wit_compare.sh NANOWASM NODE PREOPEN_MJS JCO_JS COMPONENT.wasm
set -eu
nanowasm=$1 node=$2 preopen=$3 jco_js=$4 component=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jco() { "$node" --import "$preopen" "$jco_js" "$@"; }
normalise() { sed -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//' | grep -v '^$' || true; }
world() { awk 'NR > 1 && /^package / { exit } { print }'; }

"$nanowasm" wit "$component" > "$tmp/full.wit"
world < "$tmp/full.wit" | normalise > "$tmp/nanowasm.world"
jco wit "$component" | normalise > "$tmp/jco.world"
if ! diff -u "$tmp/jco.world" "$tmp/nanowasm.world"; then
  echo "FAIL: $component: nanowasm's world differs from jco's (- jco, + nanowasm)"
  exit 1
fi

jco embed --dummy --wit "$tmp/full.wit" -n root -o "$tmp/rt.core.wasm"
jco new "$tmp/rt.core.wasm" -o "$tmp/rt.wasm"
"$nanowasm" wit "$tmp/rt.wasm" > "$tmp/rt.wit"
sort "$tmp/full.wit" > "$tmp/a"
sort "$tmp/rt.wit" > "$tmp/b"
if ! diff -u "$tmp/a" "$tmp/b"; then
  echo "FAIL: $component: nanowasm's WIT does not survive a round trip through jco (sorted lines)"
  exit 1
fi
jco wit "$tmp/rt.wasm" | normalise > "$tmp/rt.world"
if ! diff -u "$tmp/jco.world" "$tmp/rt.world"; then
  echo "FAIL: $component: the round-tripped component's world differs under jco"
  exit 1
fi
echo "ok: $component: world identical to jco wit ($(wc -l < "$tmp/jco.world") lines); $(wc -l < "$tmp/full.wit") lines of WIT round-trip through jco embed + new"
