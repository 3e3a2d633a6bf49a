#!/usr/bin/env bash
# VMware's published vCenter 7.0.3 API files (../shared/specs), as published: each file alone and
# the merge of all of them regenerate; every crate passes clippy with warnings denied (one
# workspace, so dependencies build once); one namespace feature of the merge builds alone; the
# merge's docs build with warnings denied. Prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."
specs_dir=../shared/specs
if ! ls "$specs_dir"/*.yaml >/dev/null 2>&1; then
  echo "skipped: $specs_dir is not beside this clone"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
xtask=target/debug/xtask
cargo build --quiet -p xtask
t0=$(date +%s)
members=()
specs=()
for spec in "$specs_dir"/*.yaml; do
  name=$(basename "$spec" .yaml | tr '.' '_')
  specs+=(--spec "$spec")
  # The expected warnings (schemas no operation uses, ...) are shown only on failure.
  if ! "$xtask" regenerate --spec "$spec" --out "$work/$name" > "$work/$name.log" 2>&1; then
    cat "$work/$name.log"; exit 1
  fi
  echo "$(tail -n 1 "$work/$name.log" | sed "s|$work/||")"
  members+=("\"$name\"")
done
if ! "$xtask" regenerate "${specs[@]}" --out "$work/merged" > "$work/merged.log" 2>&1; then
  cat "$work/merged.log"; exit 1
fi
echo "$(tail -n 1 "$work/merged.log" | sed "s|$work/||")"
members+=("\"merged\"")
# Members must have distinct package names.
for dir in "$work"/*/; do
  name=$(basename "$dir")
  sed -i "0,/^name = .*/s//name = \"$name\"/" "$dir/Cargo.toml"
done
(IFS=,; printf '[workspace]\nresolver = "3"\nmembers = [%s]\n' "${members[*]}") > "$work/Cargo.toml"
cp Cargo.lock "$work/Cargo.lock"
t1=$(date +%s)
echo "regenerated 9 files and their merge in $((t1 - t0)) s"
export CARGO_TARGET_DIR="$PWD/target/vmware"
cargo clippy --quiet --manifest-path "$work/Cargo.toml" --workspace -- -D warnings
t2=$(date +%s)
echo "clippy -D warnings on the 10 crates: $((t2 - t1)) s"
cargo check --quiet --manifest-path "$work/merged/Cargo.toml" --no-default-features --features vcenter-vm
t3=$(date +%s)
echo "the merge with only vcenter-vm: $((t3 - t2)) s"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --manifest-path "$work/merged/Cargo.toml" --no-deps
t4=$(date +%s)
echo "rustdoc of the merge, warnings denied: $((t4 - t3)) s"
