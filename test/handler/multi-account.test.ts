/**
 * Several Prism Central accounts in one plan (issue 12, item 6) against TWO real emulators on loopback
 * ports, each with its own password: every resource is applied to its own account's Prism Central with
 * that account's credentials; a re-apply writes nothing on either; plan, status, destroy and kubeconfig
 * span both; ambiguous overrides and a missing variable of the second account are refused before any
 * request; a lock held on one Prism Central refuses the run cleanly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { applyPlan, destroyPlan, HandlerInputError, LockHeldError, planDiff, statusPlan } from "../../lib/handler";
import { forceUnlockMain } from "../../lib/handler/force-unlock";
import { clusterKubeconfig } from "../../lib/handler/kube/kubeconfig";
import { acquireRemoteLock, inspectRemoteLock } from "../../lib/handler/lock/remote";
import { stackIdentity } from "../../lib/handler/ownership";
import type { Counters } from "../../lib/emulator";
import type { Plan } from "../../lib/schema/plan";
import { tempDir, withEmulator, type EmulatorHarness } from "../helpers/emulator";
import { listVms, stackVmNames } from "./fixtures";
import { twoAccountPlan } from "./multi-account-fixtures";

const A = "t2/pca";
const B = "t2/pcb";
const BIN = path.join(__dirname, "..", "..", "bin", "nutanix-handler.js");

interface Two {
  a: EmulatorHarness;
  b: EmulatorHarness;
  env: NodeJS.ProcessEnv;
  /** Options every run takes: both endpoints per account, fast retries and polls, a private lock dir. */
  base: { endpoint: string[]; env: NodeJS.ProcessEnv; retries: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number }; poll: { initialDelayMs: number; maxDelayMs: number }; lockDir: string; lockSettleMs: number; taskDurationsFile: false };
}

/** Two emulators with different users and passwords, and the env/options of a two-account run. */
async function withTwo<T>(fn: (t: Two) => Promise<T>, https = false): Promise<T> {
  const lockDir = await tempDir("npc-locks-");
  return withEmulator({ taskMs: 50, https, users: [{ username: "alice", password: "pw-of-a" }] }, (a) =>
    withEmulator({ taskMs: 50, https, users: [{ username: "bob", password: "pw-of-b" }] }, (b) => {
      const env: NodeJS.ProcessEnv = { A_USER: a.emu.username, A_PASS: a.emu.password, B_USER: b.emu.username, B_PASS: b.emu.password };
      return fn({
        a,
        b,
        env,
        base: {
          endpoint: [`${A}=${a.emu.url}`, `${B}=${b.emu.url}`],
          env,
          retries: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 },
          poll: { initialDelayMs: 20, maxDelayMs: 100 },
          lockDir,
          lockSettleMs: 20,
          taskDurationsFile: false,
        },
      });
    }),
  );
}

const counters = (h: EmulatorHarness): Promise<Counters> => h.admin<Counters>("GET", "/counters");
/** VM writes the emulator served (creates, updates, deletes); lock and applied records are category writes. */
const vmWrites = (c: Counters): number => Object.entries(c.byRoute).filter(([r]) => /^(POST \/vms$|PUT \/vms\/|DELETE \/vms\/)/.test(r)).reduce((n, [, v]) => n + v, 0);
/** API requests the emulator served, its own /_emulator admin calls left out. */
const apiRequests = (c: Counters): number => Object.entries(c.byRoute).filter(([r]) => !r.includes("/_emulator")).reduce((n, [, v]) => n + v, 0);

test("two accounts: each cluster's VMs on its own Prism Central only, with its own credentials; re-apply 0 writes on both; plan, status, kubeconfig and destroy span both", { timeout: 180_000 }, async () => {
  await withTwo(async ({ a, b, base }) => {
    const plan = twoAccountPlan();
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    assert.deepEqual(r.endpoints, { [A]: a.emu.url, [B]: b.emu.url });
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), ["web-cp-1", "web-md-1"], "account A's Prism Central holds cluster web only");
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1", "api-md-1"], "account B's Prism Central holds cluster api only");
    // Each emulator only knows its own user: a login with the other account's password would have failed (401).
    for (const h of [a, b]) assert.equal((await counters(h)).byStatus["401"] ?? 0, 0);

    const beforeA = await counters(a);
    const beforeB = await counters(b);
    const again = await applyPlan({ ...base, plan });
    assert.equal(again.exitCode, 0, JSON.stringify(again.resources, null, 2));
    assert.equal(again.api.writes, 0);
    assert.equal((await counters(a)).writes - beforeA.writes, 0, "no write on A");
    assert.equal((await counters(b)).writes - beforeB.writes, 0, "no write on B");
    assert.ok(again.resources.every((x) => x.action === "no-change"), JSON.stringify(again.resources.map((x) => [x.id, x.action])));

    const p = await planDiff({ ...base, plan });
    assert.equal(p.exitCode, 0);
    assert.ok(p.diffs.every((d) => d.action === "no-change"), p.text);

    const st = await statusPlan({ ...base, plan });
    assert.equal(st.exitCode, 0, st.text);
    assert.deepEqual(st.status.clusters.map((c) => c.id).sort(), ["t2/api", "t2/web"]);
    assert.equal(st.status.vmCount, 4);

    // kubeconfig of B's cluster reads B only (the cluster CA it owns there); A's endpoint is not needed.
    const kc = await clusterKubeconfig({ ...base, endpoint: [`${B}=${b.emu.url}`], plan, cluster: "t2/api" });
    assert.match(kc, /server: https:\/\/10\.20\.0\.11:6443/);

    // A worker scale-up of B's cluster changes VMs on B only (the run still takes the lock record on both).
    const wa = vmWrites(await counters(a));
    const up = await applyPlan({ ...base, plan: twoAccountPlan({ apiWorkers: 2 }) });
    assert.equal(up.exitCode, 0, JSON.stringify(up.resources, null, 2));
    assert.equal(vmWrites(await counters(a)), wa, "scaling B's pool writes no VM on A");
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1", "api-md-1", "api-md-2"]);

    // Prune: removing B's cluster deletes its VMs on B; A keeps its VMs.
    const pruned = await applyPlan({ ...base, plan: twoAccountPlan({ noApi: true }) });
    assert.equal(pruned.exitCode, 0, JSON.stringify(pruned.resources, null, 2));
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), []);
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), ["web-cp-1", "web-md-1"]);

    const back = await applyPlan({ ...base, plan });
    assert.equal(back.exitCode, 0, JSON.stringify(back.resources, null, 2));
    const d = await destroyPlan({ ...base, plan, yes: true });
    assert.equal(d.exitCode, 0, JSON.stringify(d.resources, null, 2));
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), []);
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), []);
    // The unowned seed VMs of both survive.
    for (const h of [a, b]) assert.ok((await listVms(h)).some((v) => v.spec.name === "legacy-db-01"));
  });
});

test("destroy --resource of B's pool deletes on B only; apply --resource of A's pool needs only A's endpoint and credentials", { timeout: 120_000 }, async () => {
  await withTwo(async ({ a, b, base, env }) => {
    const plan = twoAccountPlan();
    assert.equal((await applyPlan({ ...base, plan })).exitCode, 0);
    const wa = (await counters(a)).writes;
    const one = await destroyPlan({ ...base, plan, resource: "t2/api/md" });
    assert.equal(one.exitCode, 0, JSON.stringify(one.resources, null, 2));
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1"]);
    assert.equal((await counters(a)).writes, wa, "nothing written on A");

    const bBefore = apiRequests(await counters(b));
    const onlyA = await applyPlan({ ...base, endpoint: [`${A}=${a.emu.url}`], env: { A_USER: env.A_USER, A_PASS: env.A_PASS }, plan, resource: "t2/web/md" });
    assert.equal(onlyA.exitCode, 0, JSON.stringify(onlyA.resources, null, 2));
    assert.equal(apiRequests(await counters(b)), bBefore, "a run of A's resource never talks to B");
  });
});

test("two accounts naming one Prism Central share one lock and one walk; VMs of A's cluster left on B are reported, never pruned", { timeout: 120_000 }, async () => {
  await withTwo(async ({ a, b, base }) => {
    const plan = twoAccountPlan();
    const dir = await tempDir();
    const bob = path.join(dir, "bob.json");
    await fsp.writeFile(bob, JSON.stringify({ username: b.emu.username, password: b.emu.password }), { mode: 0o600 });
    // Both accounts sent to B (as every resource went to the first account before accounts had their own targets).
    const first = await applyPlan({ ...base, endpoint: [`${A}=${b.emu.url}`, `${B}=${b.emu.url}`], credentialsFile: [`${A}=${bob}`], plan });
    assert.equal(first.exitCode, 0, JSON.stringify(first.resources, null, 2));
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1", "api-md-1", "web-cp-1", "web-md-1"]);
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), []);

    const lines: string[] = [];
    const moved = await applyPlan({ ...base, plan, log: (l) => lines.push(l) });
    assert.equal(moved.exitCode, 0, JSON.stringify(moved.resources, null, 2));
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), ["web-cp-1", "web-md-1"], "A's cluster is created on A");
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1", "api-md-1", "web-cp-1", "web-md-1"], "its VMs on B are not pruned");
    assert.ok(lines.some((l) => /warning: 1 VM\(s\) of t2\/web\/cp are on http:\/\/127\.0\.0\.1:\d+ \(account t2\/pcb\), but t2\/web\/cp is applied through account t2\/pca/.test(l)), lines.join("\n"));
  });
});

test("ambiguous overrides and a missing variable of the second account are refused before any request to either Prism Central", { timeout: 60_000 }, async () => {
  await withTwo(async ({ a, b, base, env }) => {
    const plan = twoAccountPlan();
    const refused = async (run: () => Promise<unknown>, re: RegExp): Promise<void> => {
      await assert.rejects(run, (e: unknown) => e instanceof HandlerInputError && re.test(e.message));
    };
    const ra = apiRequests(await counters(a));
    const rb = apiRequests(await counters(b));
    await refused(() => applyPlan({ ...base, endpoint: a.emu.url, plan }), /--endpoint http.* names one Prism Central, but the plan has 2 PrismCentralAccounts \(t2\/pca, t2\/pcb\)/);
    await refused(() => planDiff({ ...base, endpoint: [], env: { ...env, NUTANIX_ENDPOINT: a.emu.url }, plan }), /NUTANIX_ENDPOINT names one Prism Central/);
    await refused(() => applyPlan({ ...base, endpoint: [`${A}=${a.emu.url}`, `t2/pcc=${b.emu.url}`], plan }), /t2\/pcc is no PrismCentralAccount of the plan/);
    const noB = { A_USER: env.A_USER, A_PASS: env.A_PASS, B_USER: env.B_USER };
    await refused(() => planDiff({ ...base, env: noB, plan }), /missing credentials for t2\/pcb: set B_PASS/);
    await refused(() => applyPlan({ ...base, env: noB, plan }), /missing credentials for t2\/pcb: set B_PASS/);
    await refused(() => statusPlan({ ...base, env: noB, plan }), /missing credentials for t2\/pcb: set B_PASS/);
    assert.equal(apiRequests(await counters(a)), ra, "no request to A");
    assert.equal(apiRequests(await counters(b)), rb, "no request to B");
  });
});

test("a two-account run takes a lock on each Prism Central; a lock held on B refuses the run with nothing written on either, and no record left on A", { timeout: 60_000 }, async () => {
  await withTwo(async ({ a, b, base }) => {
    const plan = twoAccountPlan();
    const identity = stackIdentity(plan);
    const holder = b.client();
    const held = await acquireRemoteLock(holder, { identity, plan: "f".repeat(64), holder: "carol@elsewhere pid 7", settleMs: 10 });
    await assert.rejects(() => applyPlan({ ...base, plan }), (e: unknown) => e instanceof LockHeldError && /locked by carol@elsewhere/.test(e.message));
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), []);
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), []);
    assert.equal((await counters(a)).byRoute["POST /vms"] ?? 0, 0);
    assert.equal(await inspectRemoteLock(a.client(), identity), undefined, "the record taken on A (if any) was released");
    await held.release();
    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan, log: (l) => lines.push(l) });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const records = lines.filter((l) => /Prism Central record .* taken before the first write/.test(l));
    assert.equal(records.length, 2, lines.join("\n"));
    // Taken in endpoint order (accounts.ts lockOrder), whichever account comes first in the plan.
    const byEndpoint = [[A, a.emu.url], [B, b.emu.url]].sort((x, y) => (x[1]! < y[1]! ? -1 : 1)).map((x) => x[0]!);
    assert.deepEqual(records.map((l) => /\((t2\/pc[ab])\)$/.exec(l)?.[1]), byEndpoint, records.join("\n"));
    for (const h of [a, b]) assert.equal(await inspectRemoteLock(h.client(), identity), undefined, "both records released at the end");
  });
});

test("force-unlock with a two-account plan frees a record held on the second account's Prism Central", { timeout: 60_000 }, async () => {
  await withTwo(async ({ b, base, env }) => {
    const plan = twoAccountPlan();
    const dir = await tempDir();
    const planFile = path.join(dir, "nutanix-plan.json");
    await fsp.writeFile(planFile, JSON.stringify(plan));
    const identity = stackIdentity(plan);
    const held = await acquireRemoteLock(b.client(), { identity, plan: "e".repeat(64), holder: "dave@gone pid 9", settleMs: 10 });
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) };
    const code = await forceUnlockMain(["--plan", planFile, ...base.endpoint.flatMap((e) => ["--endpoint", e]), held.id], io, () => planFile, { ...env, NPC_LOCK_DIR: base.lockDir });
    assert.equal(code, 0, out.join(""));
    assert.match(out.join(""), /freed the Prism Central record/);
    assert.equal(await inspectRemoteLock(b.client(), identity), undefined);
  });
});

test("HTTPS: --ca-bundle <account>=<file> trusts each emulator's own CA for its own account only", { timeout: 60_000 }, async () => {
  await withTwo(async ({ a, b, base }) => {
    const dir = await tempDir("npc-tls-");
    const caA = path.join(dir, "a.pem");
    const caB = path.join(dir, "b.pem");
    await fsp.writeFile(caA, a.emu.caPem!);
    await fsp.writeFile(caB, b.emu.caPem!);
    const plan = twoAccountPlan();
    const ok = await planDiff({ ...base, plan, caBundleFile: [`${A}=${caA}`, `${B}=${caB}`] });
    assert.equal(ok.exitCode, 0, JSON.stringify(ok.resources, null, 2));
    assert.ok(ok.diffs.some((d) => d.id === "t2/api/md" && d.action === "create"), ok.text);
    const swapped = await planDiff({ ...base, plan, caBundleFile: [`${A}=${caB}`, `${B}=${caA}`] });
    assert.equal(swapped.exitCode, 1);
    const failed = swapped.resources.filter((r) => r.result === "failed");
    assert.ok(failed.some((r) => r.id === A) && failed.some((r) => r.id === B), JSON.stringify(swapped.resources.map((r) => [r.id, r.result])));
    assert.match(failed.find((r) => r.id === B)!.error ?? "", /certificate|TLS/i);
  }, true);
});

test("the CLI takes --endpoint <account>=<url> per account (repeatable) and refuses a plain --endpoint with several accounts (exit 2)", { timeout: 120_000 }, async () => {
  await withTwo(async ({ a, b, env, base }) => {
    const dir = await tempDir();
    const planFile = path.join(dir, "nutanix-plan.json");
    const plan: Plan = twoAccountPlan();
    await fsp.writeFile(planFile, JSON.stringify(plan));
    const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH, ...env, NPC_LOCK_DIR: base.lockDir } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.once("exit", (code) => resolve({ code, stdout, stderr }));
      });
    const plain = await run(["plan", "--plan", planFile, "--endpoint", a.emu.url]);
    assert.equal(plain.code, 2, plain.stderr);
    assert.match(plain.stderr, /names one Prism Central, but the plan has 2 PrismCentralAccounts/);
    // B's login from its own --credentials-file (its variables are not set for this run).
    const credsB = path.join(dir, "b.json");
    await fsp.writeFile(credsB, JSON.stringify({ username: b.emu.username, password: b.emu.password }), { mode: 0o600 });
    delete env.B_USER;
    delete env.B_PASS;
    const ok = await run(["apply", "--plan", planFile, "--endpoint", `${A}=${a.emu.url}`, "--endpoint", `${B}=${b.emu.url}`, "--credentials-file", `${B}=${credsB}`, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual((JSON.parse(ok.stdout) as { endpoints: unknown }).endpoints, { [A]: a.emu.url, [B]: b.emu.url });
    assert.deepEqual(stackVmNames(await listVms(a), "t2"), ["web-cp-1", "web-md-1"]);
    assert.deepEqual(stackVmNames(await listVms(b), "t2"), ["api-cp-1", "api-md-1"]);
  });
});
