#!/usr/bin/env bash
# Packs the library, installs the tarball into a fresh consumer project (as a user would with npm), and
# checks the installed package end to end: the published .d.ts hold no @internal member (stripInternal), the
# peer dependencies (cdktf, constructs) install beside it, a plain JavaScript cdktf program synthesizes,
# the root import loads neither the emulator nor the Prism client, the emulator starts from its subpath
# export (nutanix-palette-cdk/emulator) on a loopback port, and the installed nutanix-handler bin applies
# the plan against it. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d)"
emu_pid=""
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true; rm -rf "$work" "$root"/nutanix-palette-cdk-*.tgz; }
trap cleanup EXIT

npm run --silent build
if grep -rl --include='*.d.ts' '@internal' dist/lib; then echo "FAIL: @internal members in the published .d.ts (stripInternal)"; exit 1; fi
tarball="$(npm pack --silent | tail -1)"
peers="$(node -p 'Object.entries(require("./package.json").peerDependencies).map(([n, v]) => `${n}@${v}`).join(" ")')"
cd "$work"
npm init -y >/dev/null
# shellcheck disable=SC2086 # one word per peer
npm install --no-audit --no-fund "$root/$tarball" $peers >/dev/null
cat > app.js <<'JS'
const { App } = require("cdktf");
const { NutanixStack, PrismCentralAccount, NutanixCluster, Credentials } = require("nutanix-palette-cdk");
const app = new App({ outdir: "cdktf.out" });
const stack = new NutanixStack(app, "dc1");
const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc.example.com", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
const machine = { vcpuSockets: 2, memoryGiB: 8, image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };
new NutanixCluster(stack, "c1", { account: pc, name: "c1", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10" },
  controlPlane: { machine }, workers: [{ name: "w", replicas: 2, machine }] });
app.synth();
const loaded = Object.keys(require.cache).filter((k) => /[\\/]dist[\\/]lib[\\/](emulator|prism)[\\/]/.test(k));
if (loaded.length > 0) { console.error("FAIL: the root import loaded " + loaded.join(", ")); process.exit(1); }
JS
node app.js
test -f cdktf.out/stacks/dc1/nutanix-plan.json && test -f cdktf.out/stacks/dc1/manifests/c1.yaml
cat > emulator.js <<'JS'
const { startEmulator } = require("nutanix-palette-cdk/emulator");
startEmulator({ host: "127.0.0.1", port: 0, statePath: process.argv[2] }).then((emu) => {
  console.log(`prism-emulator listening on ${emu.url}`);
  process.on("SIGTERM", () => emu.stop().then(() => process.exit(0)));
});
JS
node emulator.js "$work/pc-state.json" >emu.log 2>&1 &
emu_pid=$!
for _ in $(seq 1 50); do grep -q "listening on" emu.log && break; sleep 0.2; done
url="$(sed -n 's/^prism-emulator listening on \([^ ]*\).*/\1/p' emu.log)"
case "$url" in http://127.0.0.1:*) ;; *) echo "FAIL: emulator did not start on loopback: $(cat emu.log)"; exit 1;; esac
cd cdktf.out/stacks/dc1
export NUTANIX_USERNAME=admin NUTANIX_PASSWORD='Nutanix/4u'
npx --no-install nutanix-handler apply --plan nutanix-plan.json --endpoint "$url" --quiet
npx --no-install nutanix-handler apply --plan nutanix-plan.json --endpoint "$url" --json --quiet \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);if(r.api.writes!==0){console.error("FAIL: re-apply wrote "+r.api.writes);process.exit(1)}})'
npx --no-install prism-emulator --help >/dev/null
echo "installed package: no @internal in .d.ts, peers, synth without the emulator or Prism client, emulator from its subpath, apply and a zero-write re-apply: ok"
