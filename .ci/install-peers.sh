#!/usr/bin/env bash
# Installs the two peer generators that `cargo xtask bench --peers` compares against, into
# project-local roots under .tools/ (git-ignored). Idempotent: a peer already installed at the
# pinned version is left alone. Not run by .ci/run (building progenitor takes minutes).
#
#   bash .ci/install-peers.sh          # both peers
#   bash .ci/install-peers.sh progenitor | openapi-generator
#
# Afterwards: .tools/cargo/bin/cargo-progenitor and .tools/venv-ogen/bin/openapi-generator-cli.
# openapi-generator needs Java 11 or newer on PATH (`apt-get install openjdk-17-jre-headless`).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/.tools"
PROGENITOR_VERSION="${PROGENITOR_VERSION:-0.15.1}"
OGEN_VERSION="${OGEN_VERSION:-7.26.0}"
want="${1:-all}"

install_progenitor() {
    local bin="$root/cargo/bin/cargo-progenitor"
    if [ -x "$bin" ] && grep -q "\"cargo-progenitor $PROGENITOR_VERSION " "$root/cargo/.crates.toml" 2>/dev/null; then
        echo "cargo-progenitor $PROGENITOR_VERSION already in $bin"
        return
    fi
    echo "installing cargo-progenitor $PROGENITOR_VERSION into $root/cargo (a few minutes)"
    # Its own target dir, so the workspace's target/ is not touched.
    CARGO_TARGET_DIR="$root/cargo-build" cargo install cargo-progenitor \
        --version "$PROGENITOR_VERSION" --locked --root "$root/cargo"
    rm -rf "$root/cargo-build"
}

install_openapi_generator() {
    local venv="$root/venv-ogen"
    if [ -x "$venv/bin/openapi-generator-cli" ] \
        && "$venv/bin/pip" show openapi-generator-cli 2>/dev/null | grep -x "Version: $OGEN_VERSION" >/dev/null; then
        echo "openapi-generator-cli $OGEN_VERSION already in $venv"
    else
        echo "installing openapi-generator-cli $OGEN_VERSION into $venv"
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-generator-cli==$OGEN_VERSION"
    fi
    if ! command -v java >/dev/null; then
        echo "warning: java not on PATH; openapi-generator-cli needs Java 11+ (apt-get install openjdk-17-jre-headless)" >&2
    fi
}

case "$want" in
    all) install_progenitor; install_openapi_generator ;;
    progenitor) install_progenitor ;;
    openapi-generator) install_openapi_generator ;;
    *) echo "usage: bash .ci/install-peers.sh [progenitor|openapi-generator]" >&2; exit 2 ;;
esac
