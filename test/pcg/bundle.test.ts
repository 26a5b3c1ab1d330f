import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import { pcgInstallBundle, requiredNoProxy, type PcgInstallBundle } from "../../lib/pcg";
import { ValidationError } from "../../lib/schema/validation";
import { ENDPOINT_ID, HOST_ID, PCG_ID, PROXY, TRUST_BUNDLE, pcgPlan, type Variant } from "./fixtures";
import { assertGolden } from "./golden";
import { paletteStack } from "../helpers/palette-fixtures";

/** A self-hosted Palette, file-based secrets, an insecure PC and a proxy with a CA and an incomplete noProxy. */
const PROXIED: Variant = {
  account: { credentials: { source: "file", path: "/etc/nutanix/pc-creds.json" }, insecure: true, trustBundle: undefined },
  worker: { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
  pcg: {
    name: "edge-pcg",
    palette: { endpoint: "https://palette.dc1.example.com:8443", project: "Edge Team's", apiKey: { source: "file", path: "/etc/palette/api-key" } },
    proxy: {
      httpProxy: "http://pcg-user:Pr0xyS3cret@proxy.dc1.example.com:3128",
      httpsProxy: "http://proxy.dc1.example.com:3128",
      noProxy: [...PROXY.noProxy, "localhost"],
      caCertificate: TRUST_BUNDLE,
    },
  },
};

const tmpDirs: string[] = [];
after(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pcg-bundle-"));
  tmpDirs.push(d);
  return d;
}

/** Writes a bundle as the handler would. */
function writeBundle(b: PcgInstallBundle): string {
  const dir = tempDir();
  for (const f of b.files) fs.writeFileSync(path.join(dir, f.path), f.content, { mode: f.mode ?? 0o644 });
  return dir;
}

describe("pcgInstallBundle: content", () => {
  it("matches the golden files (no proxy, secrets from environment variables)", () => {
    const b = pcgInstallBundle(pcgPlan(), PCG_ID);
    assert.deepEqual(b.files.map((f) => f.path), ["README.md", "cloud-account.yaml", "install.sh", "pcg.yaml"]);
    for (const f of b.files) assertGolden(`env-secrets/${f.path}`, f.content);
  });

  it("matches the golden files (self-hosted Palette, file secrets, proxy with CA)", () => {
    const b = pcgInstallBundle(pcgPlan(PROXIED), PCG_ID, { kubeconfigPath: "../../kubeconfig/pcg-host.yaml" });
    assert.deepEqual(b.files.map((f) => f.path), ["README.md", "cloud-account.yaml", "install.sh", "pcg.yaml", "proxy-ca.crt", "proxy.env"]);
    for (const f of b.files) assertGolden(`proxy-file-secrets/${f.path}`, f.content);
  });

  it("pcg.yaml describes the gateway for cloud type nutanix with the API key as a reference", () => {
    const doc = parse(pcgInstallBundle(pcgPlan(), PCG_ID).files.find((f) => f.path === "pcg.yaml")!.content);
    assert.equal(doc.kind, "PrivateCloudGatewayInstall");
    assert.equal(doc.cloudType, "nutanix");
    assert.equal(doc.name, "dc1-pcg");
    assert.deepEqual(doc.palette, { apiKey: "${PALETTE_API_KEY}", endpoint: "https://api.spectrocloud.com", project: "Default" });
    assert.deepEqual(doc.hostCluster, {
      controlPlaneEndpoint: "10.20.0.10:6443", controlPlaneNodes: 3, kubernetesVersion: "1.30.5", maxNodes: 5, name: "pcg-host", nodes: 5,
      podCidr: "172.20.0.0/16", serviceCidr: "172.19.0.0/16", workerNodes: 2,
    });
    const proxied = parse(pcgInstallBundle(pcgPlan(PROXIED), PCG_ID).files.find((f) => f.path === "pcg.yaml")!.content);
    assert.deepEqual(proxied.palette.apiKey, { file: "/etc/palette/api-key" });
    assert.equal(proxied.proxy.httpProxy, "http://<redacted>@proxy.dc1.example.com:3128");
    assert.equal(proxied.proxy.caCertificateFile, "proxy-ca.crt");
    assert.equal(proxied.hostCluster.maxNodes, 6);
  });

  it("cloud-account.yaml has exactly the five NUTANIX_* keys, strings, with INSECURE true/false", () => {
    for (const [v, insecure, user] of [[{}, "false", "${NUTANIX_USERNAME}"], [PROXIED, "true", '<"username" of /etc/nutanix/pc-creds.json>']] as const) {
      const doc = parse(pcgInstallBundle(pcgPlan(v), PCG_ID).files.find((f) => f.path === "cloud-account.yaml")!.content);
      assert.deepEqual(Object.keys(doc.credentials).sort(), ["NUTANIX_ENDPOINT", "NUTANIX_INSECURE", "NUTANIX_PASSWORD", "NUTANIX_PORT", "NUTANIX_USER"]);
      for (const value of Object.values(doc.credentials)) assert.equal(typeof value, "string");
      assert.equal(doc.credentials.NUTANIX_INSECURE, insecure);
      assert.equal(doc.credentials.NUTANIX_ENDPOINT, "pc.dc1.example.com");
      assert.equal(doc.credentials.NUTANIX_PORT, "9440");
      assert.equal(doc.credentials.NUTANIX_USER, user);
      assert.equal(doc.cloudType, "nutanix");
      assert.equal(doc.privateCloudGateway, v === PROXIED ? "edge-pcg" : "dc1-pcg");
    }
  });

  it("proxy.env is sourceable and carries NO_PROXY as given; README lists the recommended entries that are missing", () => {
    const b = pcgInstallBundle(pcgPlan(PROXIED), PCG_ID);
    const dir = writeBundle(b);
    const r = spawnSync("bash", ["-c", 'set -eu; set -a; . ./proxy.env; set +a; printf "%s\\n" "$HTTPS_PROXY" "$no_proxy" "$HTTP_PROXY"'], { cwd: dir, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), ["http://proxy.dc1.example.com:3128", [...PROXY.noProxy, "localhost"].join(","), "http://<redacted>@proxy.dc1.example.com:3128"]);
    const readme = b.files.find((f) => f.path === "README.md")!.content;
    assert.match(readme, /- \[ \] noProxy covers .*; add: `10\.20\.0\.0\/24,127\.0\.0\.1,\.svc,\.cluster\.local`\./);
    assert.match(readme, /dc1\/pcg: proxy\.httpProxy: expected a proxy URL without user:password/);
  });

  it("an empty proxy is not written when there is no proxy, and the required noProxy makes the README check pass", () => {
    const complete = { pcg: { proxy: { ...PROXY, noProxy: [...requiredNoProxy(pcgPlan(), PCG_ID), "10.20.0.0/24", "127.0.0.0/8", "localhost", "svc", ".cluster.local"] } } };
    const readme = pcgInstallBundle(pcgPlan(complete), PCG_ID).files.find((f) => f.path === "README.md")!.content;
    assert.match(readme, /- \[x\] noProxy covers/);
    assert.match(readme, /None: every PCG rule that the plan can show passes\./);
  });

  it("lists the plan's rule problems in the README", () => {
    const readme = pcgInstallBundle(pcgPlan({ workerMachine: { memoryMiB: 2048 } }), PCG_ID).files.find((f) => f.path === "README.md")!.content;
    assert.match(readme, /- dc1\/pcg-host\/default: machine\.memoryMiB: expected ≥ 4096 MiB/);
    assert.match(readme, /- \[ \] `default` \(worker, 2 nodes\): 4 vCPU, 2048 MiB, 60 GiB disk/);
  });

  it("refuses a plan without the gateway, its host cluster or the endpoint, and an absolute kubeconfig path", () => {
    assert.throws(() => pcgInstallBundle(pcgPlan(), "dc1/nope"), ValidationError);
    assert.throws(() => pcgInstallBundle(pcgPlan({ pcg: { hostCluster: "dc1/gone" } }), PCG_ID), (e: unknown) => e instanceof ValidationError && /hostCluster/.test(e.message));
    assert.throws(() => pcgInstallBundle(pcgPlan({ host: { endpoint: "dc1/gone" } }), PCG_ID), (e: unknown) => e instanceof ValidationError && e.issues.some((i) => i.path === HOST_ID && i.field === "endpoint"));
    assert.throws(() => pcgInstallBundle(pcgPlan(), PCG_ID, { kubeconfigPath: "/root/.kube/config" }), RangeError);
    assert.ok(ENDPOINT_ID);
  });

  it("refuses a hand-made plan whose Palette endpoint is not an https:// URL, naming the gateway and the field", () => {
    for (const endpoint of ["not a url", "http://palette.example.com"]) {
      const plan = pcgPlan();
      const pcg = plan.resources.find((r) => r.id === PCG_ID);
      assert.ok(pcg && pcg.kind === "PrivateCloudGateway");
      pcg.spec.palette.endpoint = endpoint;
      assert.throws(
        () => pcgInstallBundle(plan, PCG_ID),
        (e: unknown) => e instanceof ValidationError && e.issues.length === 1 && e.issues[0]?.path === PCG_ID && e.issues[0]?.field === "palette.endpoint" && e.message.includes(JSON.stringify(endpoint)),
        endpoint,
      );
    }
  });
});

describe("pcgInstallBundle: determinism and secrets", () => {
  it("is byte-identical twice, and for the same plan built again", () => {
    for (const v of [{}, PROXIED]) {
      const a = pcgInstallBundle(pcgPlan(v), PCG_ID);
      const b = pcgInstallBundle(pcgPlan(v), PCG_ID);
      assert.deepEqual(a, b);
      assert.equal(JSON.stringify(a), JSON.stringify(b));
    }
  });

  it("never contains secret values put in the environment variables or files it references", () => {
    const sentinel = "SENTINEL-7f3a9c-do-not-leak";
    const dir = tempDir();
    const keyFile = path.join(dir, "api-key");
    const credsFile = path.join(dir, "creds.json");
    fs.writeFileSync(keyFile, `${sentinel}-key\n`);
    fs.writeFileSync(credsFile, JSON.stringify({ username: `${sentinel}-user`, password: `${sentinel}-password` }));
    const names = ["PALETTE_API_KEY", "NUTANIX_USERNAME", "NUTANIX_PASSWORD"];
    const saved = names.map((n) => process.env[n]);
    names.forEach((n) => (process.env[n] = `${sentinel}-${n}`));
    try {
      const bundles = [
        pcgInstallBundle(pcgPlan(), PCG_ID),
        pcgInstallBundle(pcgPlan({ account: { credentials: { source: "file", path: credsFile } }, pcg: { palette: { endpoint: "https://api.spectrocloud.com", project: "Default", apiKey: { source: "file", path: keyFile } } } }), PCG_ID),
        pcgInstallBundle(pcgPlan(PROXIED), PCG_ID),
      ];
      for (const b of bundles) {
        for (const f of b.files) {
          assert.ok(!f.content.includes(sentinel), `${f.path} contains a secret value`);
          assert.ok(!f.content.includes("Pr0xyS3cret"), `${f.path} contains the proxy password`);
        }
      }
    } finally {
      names.forEach((n, i) => (saved[i] === undefined ? delete process.env[n] : (process.env[n] = saved[i])));
    }
  });

  it("contains no path of this machine, no timestamp", () => {
    const b = pcgInstallBundle(pcgPlan(PROXIED), PCG_ID, { kubeconfigPath: "../../kubeconfig/pcg-host.yaml" });
    for (const f of b.files) {
      for (const local of [process.cwd(), os.tmpdir(), os.homedir(), __dirname]) assert.ok(!f.content.includes(local), `${f.path} contains ${local}`);
      assert.doesNotMatch(f.content, /\b20\d\d-\d\d-\d\dT\d\d:/, f.path);
    }
  });
});

describe("install.sh", () => {
  const FAKE_KUBECTL = `#!/usr/bin/env bash
case "$*" in
  "get --raw=/readyz"*) [ -z "\${FAKE_UNREACHABLE:-}" ] ;;
  "config view"*) echo "https://10.20.0.10:6443" ;;
  "auth can-i"*) echo yes ;;
  "get nodes -l"*) printf 'node/cp-%s\\n' 0 1 2 ;;
  "get nodes -o"*) cat "$FAKE_NODES" ;;
  "get storageclass"*) printf 'true\\n' ;;
  *) { printf '%s\\n' "$@"; echo ---; } >> "$FAKE_LOG" ;;
esac
`;
  const node = (name: string, cpu: string, mem: string, disk: string) => `${name}\t${cpu}\t${mem}\t${disk}\tTrue\n`;
  const GOOD = ["cp-0", "cp-1", "cp-2", "w-0", "w-1"].map((n) => node(n, "4", "4012300Ki", "61791672Ki")).join("");

  function setup(v: Variant = {}, nodes = GOOD) {
    const dir = writeBundle(pcgInstallBundle(pcgPlan(v), PCG_ID));
    const bin = tempDir();
    const write = (name: string, text: string) => fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
    write("kubectl", FAKE_KUBECTL);
    write("curl", "#!/usr/bin/env bash\nprintf 401\n");
    write("getent", "#!/usr/bin/env bash\nexit 0\n");
    fs.writeFileSync(path.join(bin, "nodes.tsv"), nodes);
    const log = path.join(bin, "kubectl.log");
    const env = { PATH: `${bin}:/usr/bin:/bin`, FAKE_NODES: path.join(bin, "nodes.tsv"), FAKE_LOG: log, KUBECONFIG: path.join(bin, "kubeconfig"), HOME: bin };
    const run = (args: string[], extraEnv: Record<string, string> = {}, input = "") =>
      spawnSync(path.join(dir, "install.sh"), args, { cwd: dir, env: { ...env, ...extraEnv }, input, encoding: "utf8", timeout: 20_000 });
    return { dir, run, log: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "") };
  }

  it("is executable, parses with bash -n and prints the steps by default", () => {
    const b = pcgInstallBundle(pcgPlan(), PCG_ID);
    const f = b.files.find((x) => x.path === "install.sh")!;
    assert.equal(f.mode, 0o755);
    assert.match(f.content, /^#!\/usr\/bin\/env bash\n/);
    assert.match(f.content, /\nset -euo pipefail\n/);
    const { dir, run } = setup();
    assert.equal(spawnSync("bash", ["-n", path.join(dir, "install.sh")]).status, 0);
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Tenant Settings → Private Cloud Gateways → Add → Self Hosted; name 'dc1-pcg', provider 'nutanix'/);
    assert.equal(run(["bogus"]).status, 2);
  });

  it("check passes on a right-sized cluster and never prints the secrets it checks", () => {
    const { run } = setup();
    const secrets = { PALETTE_API_KEY: "SENTINEL-api-key", NUTANIX_USERNAME: "SENTINEL-user", NUTANIX_PASSWORD: "SENTINEL-pw" };
    const r = run(["check"], secrets);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok {4}environment variable PALETTE_API_KEY is set/);
    assert.match(r.stdout, /ok {4}3 control-plane \+ 2 worker nodes/);
    assert.match(r.stdout, /All checks passed\./);
    assert.doesNotMatch(r.stdout + r.stderr, /SENTINEL/);
  });

  it("check fails on a missing variable, a small node and an unreachable cluster", () => {
    const { run } = setup({}, GOOD.replace("w-1\t4\t4012300Ki", "w-1\t2\t4012300Ki"));
    const r = run(["check"], { PALETTE_API_KEY: "x", NUTANIX_USERNAME: "y" });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAIL {2}environment variable NUTANIX_PASSWORD is not set/);
    assert.match(r.stdout, /FAIL {2}node w-1: 2 CPU/);
    assert.match(r.stdout, /2 check\(s\) failed\./);
    const down = run(["check"], { PALETTE_API_KEY: "x", NUTANIX_USERNAME: "y", NUTANIX_PASSWORD: "z", FAKE_UNREACHABLE: "1" });
    assert.equal(down.status, 1);
    assert.match(down.stdout, /FAIL {2}kubectl cannot reach the host cluster/);
  });

  it("run executes pasted kubectl commands with quotes, no shell, and does not echo their arguments", () => {
    const { run, log } = setup();
    const input = 'kubectl apply -f "https://palette.example/v1/pcg/abc/manifest?token=T0KEN&x=1"\n  kubectl apply -f https://palette.example/v1/pcg/abc/ally \n\nkubectl never-run\n';
    const r = run(["run"], {}, input);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(log(), "apply\n-f\nhttps://palette.example/v1/pcg/abc/manifest?token=T0KEN&x=1\n---\napply\n-f\nhttps://palette.example/v1/pcg/abc/ally\n---\n");
    assert.doesNotMatch(r.stdout + r.stderr, /T0KEN/);
    assert.match(r.stdout, /\[1\/2\] kubectl apply … \(arguments not shown/);
  });

  it("run refuses anything but plain kubectl commands and then runs nothing", () => {
    for (const bad of ["kubectl apply -f x; touch /tmp/pwned", "kubectl apply -f $(id)", "kubectl apply -f `id`", 'kubectl apply -f "$HOME"', "rm -rf /", "kubectl apply -f x | sh", "kubectl apply -f 'unterminated", "kubectl"]) {
      const { run, log } = setup();
      const r = run(["run"], {}, `kubectl get ns\n${bad}\n\n`);
      assert.equal(r.status, 2, bad);
      assert.match(r.stderr, /line 2 is not a plain kubectl command; nothing was run/, bad);
      assert.equal(log(), "", bad);
    }
  });

  it("uses the kubeconfig beside the bundle when KUBECONFIG is not set", () => {
    const b = pcgInstallBundle(pcgPlan(), PCG_ID, { kubeconfigPath: "../../kubeconfig/pcg-host.yaml" });
    const dir = writeBundle(b);
    const r = spawnSync("bash", ["-c", `sed -n '/^if \\[ -z "\${KUBECONFIG:-}" \\]/,/^fi$/p' install.sh > k.sh; unset KUBECONFIG; . ./k.sh; echo "$KUBECONFIG"`], { cwd: dir, encoding: "utf8" });
    assert.equal(r.stdout.trim(), `${fs.realpathSync(dir)}/../../kubeconfig/pcg-host.yaml`);
  });
});

it("README of a gateway with a PaletteAccount: says what apply does in Palette and what destroy deletes; no manual kubectl steps", () => {
  const st = paletteStack();
  const plan = st.stack.toPlan();
  const gw = plan.resources.find((r) => r.kind === "PrivateCloudGateway")!;
  const readme = pcgInstallBundle(plan, gw.id).files.find((f) => f.path === "README.md")!.content;
  assert.match(readme, /## 3\. What `nutanix-handler apply` does in Palette/);
  assert.match(readme, /PaletteAccount `dc1\/palette`/);
  assert.match(readme, /bound to the gateway/);
  assert.match(readme, /deletes the cloud account `pcg`, then the gateway, in Palette/);
  assert.doesNotMatch(readme, /Run Palette's kubectl commands/);
  assert.doesNotMatch(readme, /left to Palette|are Palette's/);
});
