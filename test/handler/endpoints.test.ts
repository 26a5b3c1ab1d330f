/**
 * --wait-endpoints: the emulator's simulated VIP readiness (not ready, then ready: the wait ends after
 * the flip; never ready: timeout, the cluster fails, exit 1), and the real TCP probe — exercised ONLY
 * against a listener on 127.0.0.10 (a plan whose node subnet is 127.0.0.0/24 in a test seed). A guard
 * refuses, and reports, any connection outside loopback.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from "../../lib";
import { applyPlan } from "../../lib/handler";
import { main } from "../../lib/handler/cli";
import { collectPlan } from "../../lib/stack/collect";
import type { Plan } from "../../lib/schema/plan";
import { tempDir } from "../helpers/emulator";
import { makePlan, withTarget } from "./fixtures";
import { assertLoopbackOnly, CountingListener, freePort, guardLoopback } from "./loopback";

before(() => guardLoopback());
after(() => assertLoopbackOnly());

const FAST_POLL = { initialDelayMs: 30, maxDelayMs: 150, reportEveryMs: 200 };

/** One small cluster on a loopback node subnet, its VIP 127.0.0.10:<port>. */
function loopbackPlan(port: number): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, "lo");
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "https://127.0.0.1:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  const machine = { vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 4, systemDiskGiB: 40, image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["lo-net"] };
  new NutanixCluster(stack, "lo", {
    account: pc, name: "lo", kubernetesVersion: "1.30.5",
    endpoint: { address: "127.0.0.10", port },
    controlPlane: { replicas: 1, machine },
    workers: [],
    nodeNetwork: { cidr: "127.0.0.0/24", gateway: "127.0.0.1", ipPool: [{ start: "127.0.0.100", end: "127.0.0.199" }] },
  });
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, []);
  return plan;
}

const LOOPBACK_SEED = {
  prismCentral: { name: "pc-test" },
  clusters: [{ name: "PE-1" }],
  subnets: [{ name: "lo-net", cluster: "PE-1", vlanId: 99, cidr: "127.0.0.0/24", gateway: "127.0.0.1", pools: ["127.0.0.100-127.0.0.199"] }],
  images: [{ name: "ubuntu-2204-kube-v1.30.5" }],
};

test("emulator readiness: the wait ends after the VIP flips to ready; never ready times out (cluster failed, exit 1)", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan();
    await h.admin("PUT", "/endpoints", { address: "10.20.0.10", port: 6443, ready: false });
    const lines: string[] = [];
    let flippedAt = 0;
    const flipper = (async () => {
      while (!lines.some((l) => l.includes("waiting for kube-vip 10.20.0.10:6443"))) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 500));
      flippedAt = Date.now();
      await h.admin("PUT", "/endpoints", { address: "10.20.0.10", port: 6443, ready: true });
    })();
    const r = await applyPlan({ ...base, plan, waitEndpoints: true, endpointTimeoutMs: 20_000, endpointPoll: FAST_POLL, log: (l) => lines.push(l) });
    await flipper;
    const doneAt = Date.now();
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok")));
    assert.ok(flippedAt > 0 && doneAt >= flippedAt, "finished after the flip");
    const cluster = r.resources.find((x) => x.kind === "NutanixCluster")!;
    assert.match(cluster.detail ?? "", /kube-vip 10\.20\.0\.10:6443 answers/);
    const text = lines.join("\n");
    assert.match(text, /waiting for kube-vip 10\.20\.0\.10:6443 to answer \(the emulator's simulated readiness; timeout 20s\)/);
    assert.match(text, /still waiting .*the emulator reports it not ready/);
    assert.match(text, /kube-vip 10\.20\.0\.10:6443 answered after/);

    // Off by default: no wait, even when the VIP is not ready.
    await h.admin("PUT", "/endpoints", { address: "10.20.0.10", port: 6443, ready: false });
    const quiet = await applyPlan({ ...base, plan });
    assert.equal(quiet.exitCode, 0);
    assert.equal(quiet.api.writes, 0);

    // Never ready: timeout → the cluster fails with a clear message; the CLI exits 1.
    const t = await applyPlan({ ...base, plan, waitEndpoints: true, endpointTimeoutMs: 600, endpointPoll: FAST_POLL });
    assert.equal(t.exitCode, 1);
    const failed = t.resources.find((x) => x.kind === "NutanixCluster")!;
    assert.equal(failed.result, "failed");
    assert.match(failed.error ?? "", /kube-vip 10\.20\.0\.10:6443 of cluster web did not answer within 0\.6s \(\d+ checks by the emulator's simulated readiness; last: the emulator reports it not ready\)/);
    assert.equal(t.api.writes, 0, "a wait writes nothing");

    const dir = await tempDir("npc-wait-");
    const planFile = path.join(dir, "nutanix-plan.json");
    await fsp.writeFile(planFile, JSON.stringify(plan));
    let stderr = "";
    const saved = { ...process.env };
    Object.assign(process.env, base.env);
    try {
      const code = await main(["apply", "--plan", planFile, "--endpoint", h.emu.url, "--wait-endpoints", "--endpoint-timeout", "0.5"], { stdout: () => undefined, stderr: (s) => void (stderr += s), isTty: false });
      assert.equal(code, 1);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    assert.match(stderr, /error: t1\/web: kube-vip 10\.20\.0\.10:6443 of cluster web did not answer within 0\.5s/);
  });
});

test("TCP probe on loopback only: waits for a listener on 127.0.0.10, times out when none; tcp against an emulator VIP is refused", { timeout: 60_000 }, async () => {
  const port = await freePort("127.0.0.10");
  const plan = loopbackPlan(port);
  await withTarget({ seed: LOOPBACK_SEED }, async ({ base }) => {
    const listener = new CountingListener();
    const lines: string[] = [];
    const opener = (async () => {
      while (!lines.some((l) => l.includes("waiting for kube-vip"))) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 400));
      await listener.start("127.0.0.10", port);
    })();
    try {
      const r = await applyPlan({ ...base, plan, waitEndpoints: true, endpointReadiness: "tcp", endpointTimeoutMs: 15_000, endpointPoll: FAST_POLL, log: (l) => lines.push(l) });
      await opener;
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok")));
      assert.ok(listener.accepted >= 1, "the listener was dialled");
      assert.match(lines.join("\n"), new RegExp(`waiting for kube-vip 127\\.0\\.0\\.10:${port} to answer \\(TCP connect to 127\\.0\\.0\\.10:${port}; timeout 15s\\)`));
      assert.match(lines.join("\n"), /still waiting .*ECONNREFUSED/);
    } finally {
      await opener.catch(() => undefined);
      await listener.stop();
    }

    const t = await applyPlan({ ...base, plan, waitEndpoints: true, endpointReadiness: "tcp", endpointTimeoutMs: 500, endpointPoll: FAST_POLL });
    assert.equal(t.exitCode, 1);
    assert.match(t.resources.find((x) => x.kind === "NutanixCluster")!.error ?? "", new RegExp(`kube-vip 127\\.0\\.0\\.10:${port} of cluster lo did not answer within 0\\.5s .*TCP connect.*ECONNREFUSED`));
  });

  // tcp against the emulator with a data VIP (10.20.0.10): refused without dialling.
  await withTarget({}, async ({ base }) => {
    const r = await applyPlan({ ...base, plan: makePlan(), waitEndpoints: true, endpointReadiness: "tcp", endpointTimeoutMs: 5000 });
    assert.equal(r.exitCode, 1);
    assert.match(r.resources.find((x) => x.kind === "NutanixCluster")!.error ?? "", /--endpoint-readiness tcp refused: .* is the Prism Central emulator and 10\.20\.0\.10 is not a loopback address/);
  });
});

test("flags: --endpoint-timeout/--endpoint-readiness need --wait-endpoints; apply-only flags; bad values exit 2", async () => {
  const run = async (args: string[]) => {
    let stderr = "";
    const code = await main(args, { stdout: () => undefined, stderr: (s) => void (stderr += s), isTty: false });
    return { code, stderr };
  };
  const plan = "/nonexistent/nutanix-plan.json";
  for (const [args, msg] of [
    [["apply", "--plan", plan, "--endpoint-timeout", "5"], /--endpoint-timeout needs --wait-endpoints/],
    [["apply", "--plan", plan, "--wait-endpoints", "--endpoint-timeout", "0"], /--endpoint-timeout: expected a positive number of seconds/],
    [["apply", "--plan", plan, "--wait-endpoints", "--endpoint-readiness", "ping"], /--endpoint-readiness: expected one of auto, emulator, tcp/],
    [["destroy", "--plan", plan, "--yes", "--wait-endpoints"], /--wait-endpoints is for apply only/],
    [["plan", "--plan", plan, "--check-reachability"], /--check-reachability is for apply only/],
    [["apply", "--plan", plan, "--allow-external-probes"], /--allow-external-probes needs --check-reachability/],
  ] as const) {
    const r = await run([...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, msg);
  }
});
