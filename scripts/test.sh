#!/usr/bin/env bash
# `npm test`: everything, in order — Debian packages, type check, lint, unit, integration (real Ceph
# RGW + real Nix), end-to-end (Playwright + Debian's Chromium against `narwhal serve`).
# Every stage runs even if an earlier one failed, so one run shows all that is wrong; the last line
# is "narwhal: N passed, N failed" over all test cases, and the exit status is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1
results=test-results
rm -rf "$results" && mkdir -p "$results"
failed_stages=()

stage() {
  local name=$1; shift
  echo "::: $name"
  local started=$SECONDS
  if "$@"; then echo "::: $name passed ($((SECONDS - started)) s)"; else echo "::: $name FAILED ($((SECONDS - started)) s)"; failed_stages+=("$name"); fi
}

stage "debian packages" bash scripts/ensure-deps.sh
stage "type check" npm run --silent typecheck
stage "lint" npx eslint --max-warnings 0 .
stage "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
stage "renderer build" npm run --silent build:renderer
stage "electron bundle" npm run --silent build:electron
stage "integration tests" npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$results/integration.json"
stage "e2e tests" npx playwright test -c e2e/playwright.config.ts

node scripts/summarise-tests.mjs "$results" "${failed_stages[@]}"
