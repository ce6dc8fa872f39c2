#!/usr/bin/env bash
# Runs spoflint for the GitHub Action (action.yml): annotations (or the human report) in the
# log, the Markdown report in the step summary, SARIF for code scanning, and the counts as
# step outputs. Exit code: spoflint's (1 when findings reach fail-on, 2 on usage errors).
# Inputs come as INPUT_* variables; GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are GitHub's files.
set -uo pipefail

bin="${SPOFLINT_BIN:-spoflint}"
work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/spoflint.XXXXXX")"
json="$work/report.json"
markdown="$work/summary.md"

case "${INPUT_FORMAT:-github}" in
  github | human) ;;
  *)
    echo "::error::input format must be github or human, got '${INPUT_FORMAT}'" >&2
    exit 2
    ;;
esac

args=(check --color never --fail-on "${INPUT_FAIL_ON:-warning}" --format "${INPUT_FORMAT:-github}"
  --format "json=$json" --format "markdown=$markdown")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  args+=(--format "sarif=$INPUT_SARIF_FILE")
fi
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
if [ "${INPUT_CHANGED_ONLY:-false}" = "true" ]; then
  args+=(--changed-only)
  base="${INPUT_BASE:-}"
  if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base="origin/$GITHUB_BASE_REF"
  fi
  if [ -n "$base" ]; then
    args+=(--base "$base")
  fi
fi
# Paths are space-separated (word splitting is intended here).
read -r -a paths <<< "${INPUT_PATH:-.}"

"$bin" "${args[@]}" -- "${paths[@]}"
code=$?

if [ -f "$markdown" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
fi
count() {
  # The summary's counts, from the JSON report (no jq needed).
  sed -n "s/^    \"$1\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$json" 2>/dev/null | tail -n 1
}
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "findings=$(count findings)"
    echo "errors=$(count errors)"
    echo "warnings=$(count warnings)"
    echo "sarif-file=${INPUT_SARIF_FILE:-}"
  } >> "$GITHUB_OUTPUT"
fi
rm -rf "$work"
exit "$code"
