#!/usr/bin/env bash
# Validates spec/ with two independent OpenAPI validators:
#   1. Redocly CLI: `redocly lint` (rules in redocly.yaml) on the multi-file spec, then
#      `redocly bundle` into one file;
#   2. openapi-spec-validator on the bundled file.
# Both must report zero errors. The tools are installed (pinned) into .tools/, which git ignores,
# from the npm registry and PyPI only; a second run reuses them.
set -euo pipefail

REDOCLY_VERSION="2.77.0"
OSV_VERSION="0.9.0"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$repo/.tools"
spec="$repo/spec/openapi.yaml"

mkdir -p "$tools"

redocly="$tools/npm/node_modules/.bin/redocly"
if [[ ! -x "$redocly" ]] || ! "$redocly" --version 2>/dev/null | grep -x "$REDOCLY_VERSION" >/dev/null; then
    echo "==> installing @redocly/cli@$REDOCLY_VERSION into .tools/npm"
    mkdir -p "$tools/npm"
    # A package.json of its own so npm never walks up into another project.
    [[ -f "$tools/npm/package.json" ]] || echo '{"name": "vsphere-spec-tools", "private": true}' >"$tools/npm/package.json"
    npm install --prefix "$tools/npm" --no-audit --no-fund --loglevel=error \
        --save-exact "@redocly/cli@$REDOCLY_VERSION"
fi

venv="$tools/venv"
osv="$venv/bin/openapi-spec-validator"
if [[ ! -x "$osv" ]] || ! "$venv/bin/python" -m pip show openapi-spec-validator 2>/dev/null | grep -x "Version: $OSV_VERSION" >/dev/null; then
    echo "==> installing openapi-spec-validator==$OSV_VERSION into .tools/venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "openapi-spec-validator==$OSV_VERSION"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

cd "$repo"
echo "==> redocly lint spec/openapi.yaml"
"$redocly" lint --config "$repo/redocly.yaml" "$spec"

echo "==> redocly bundle spec/openapi.yaml"
"$redocly" bundle --config "$repo/redocly.yaml" "$spec" -o "$tmp/bundled.yaml"

echo "==> openapi-spec-validator bundled.yaml"
"$osv" "$tmp/bundled.yaml"
