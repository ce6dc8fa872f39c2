#!/usr/bin/env bash
# Installs spoflint for the GitHub Action: builds the action's own checkout (version
# `source`) or a release tag of the repository, with cargo, into $RUNNER_TEMP, and puts it on
# PATH for the next steps.
set -euo pipefail
root="${RUNNER_TEMP:-/tmp}/spoflint"
version="${SPOFLINT_VERSION:-source}"
if ! command -v cargo >/dev/null; then
  echo "::error::spoflint's action needs a Rust toolchain (cargo) on the runner" >&2
  exit 2
fi
if [ "$version" = "source" ]; then
  cargo install --locked --quiet --path "$GITHUB_ACTION_PATH" --root "$root"
else
  cargo install --locked --quiet --git https://github.com/spoflint/spoflint --tag "v${version#v}" --root "$root"
fi
echo "$root/bin" >> "$GITHUB_PATH"
