#!/usr/bin/env bash
# Synthesizes every example through the cdktf CLI twice and checks that:
#  - cdk.tf.json, nutanix-plan.json and manifests/ are byte-identical between the two runs (determinism);
#  - no secret placed in the environment appears anywhere under the output (references only).
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
export NUTANIX_USERNAME="sentinel-user-7f3a9c"
export NUTANIX_PASSWORD="sentinel-pass-41d0e2"
export PALETTE_API_KEY="sentinel-apikey-9b8c7d"

mkdir -p .tmp && work="$(mktemp -d "$PWD/.tmp/synth-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
for dir in examples/*/; do
  name="$(basename "$dir")"
  [ -f "examples/$name/main.ts" ] || continue
  echo "-- $name"
  for run in 1 2; do
    npx --no-install cdktf synth --app "npx --no-install tsx examples/$name/main.ts" --output "$work/$name-$run" >"$work/$name-$run.log" 2>&1 || {
      cat "$work/$name-$run.log"; echo "FAIL: $name: cdktf synth failed"; exit 1; }
  done
  for stackdir in "$work/$name-1"/stacks/*/; do
    stack="$(basename "$stackdir")"
    for f in cdk.tf.json nutanix-plan.json; do
      if ! cmp -s "$work/$name-1/stacks/$stack/$f" "$work/$name-2/stacks/$stack/$f"; then
        echo "FAIL: $name: stacks/$stack/$f differs between two synths"; status=1
      fi
    done
    if ! diff -r "$work/$name-1/stacks/$stack/manifests" "$work/$name-2/stacks/$stack/manifests" >/dev/null; then
      echo "FAIL: $name: stacks/$stack/manifests differs between two synths"; status=1
    fi
    echo "   stacks/$stack: cdk.tf.json, nutanix-plan.json and manifests/ identical across two synths"
  done
  if grep -rlF -e "$NUTANIX_USERNAME" -e "$NUTANIX_PASSWORD" -e "$PALETTE_API_KEY" "$work/$name-1" "$work/$name-2"; then
    echo "FAIL: $name: a secret value from the environment appears in the synth output"; status=1
  else
    echo "   no secret value from the environment in the output"
  fi
  if grep -rlF -e "$PWD" -e "$work" --include=cdk.tf.json --include=nutanix-plan.json "$work/$name-1"; then
    echo "FAIL: $name: an absolute path appears in cdk.tf.json or nutanix-plan.json"; status=1
  fi
done
exit "$status"
