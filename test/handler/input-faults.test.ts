/**
 * Bad input (exit 2 / HandlerInputError, no API call), unowned same-named VMs (clear failure, untouched),
 * VIP rules, injected faults (5xx/429/resets converge; a FAILED task is reported with the API's message),
 * and secrets never printed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { applyPlan, HandlerInputError, planDiff } from "../../lib/handler";
import { main } from "../../lib/handler/cli";
import { generationOf } from "../../lib/plan/canonical";
import type { Counters } from "../../lib/emulator";
import { tempDir } from "../helpers/emulator";
import { listVms, makePlan, stackVmNames, unownedVersions, withTarget } from "./fixtures";

async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const saved = { ...process.env };
  for (const k of ["NUTANIX_USERNAME", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT"]) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false });
    return { code, stdout, stderr };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

test("bad plan, unknown resource, bad flags, missing credentials: exit 2 and no API call", async () => {
  await withTarget({}, async ({ h, env }) => {
    const dir = await tempDir("npc-handler-");
    const good = path.join(dir, "nutanix-plan.json");
    await fsp.writeFile(good, JSON.stringify(makePlan()));
    const bad = path.join(dir, "bad.json");
    const broken = makePlan() as unknown as { resources: Array<{ spec: { replicas?: number } }> };
    broken.resources.find((r) => r.spec.replicas !== undefined)!.spec.replicas = -1;
    await fsp.writeFile(bad, JSON.stringify(broken));
    const edited = makePlan();
    (edited.resources.find((r) => r.kind === "NodePool")!.spec as { replicas: number }).replicas = 7; // generation no longer matches
    const editedFile = path.join(dir, "edited.json");
    await fsp.writeFile(editedFile, JSON.stringify(edited));
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };

    const c0 = await h.admin<Counters>("GET", "/counters");
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [["apply", "--plan", bad], e, /replicas/],
      [["apply", "--plan", editedFile], e, /generation/],
      [["apply", "--plan", path.join(dir, "missing.json")], e, /cannot read the plan file/],
      [["apply", "--plan", good, "--resource", "t1/nope"], e, /no such resource.*known: t1\/pc/],
      [["apply", "--plan", good, "--parallelism", "zero"], e, /parallelism/],
      [["apply", "--plan", good, "--bogus"], e, /bogus/],
      [["frobnicate", "--plan", good], e, /expected one command/],
      [["apply", "--plan", good], { NUTANIX_ENDPOINT: h.emu.url }, /set NUTANIX_USERNAME and NUTANIX_PASSWORD/],
      [["destroy", "--plan", good], e, /--yes/],
      [["destroy", "--plan", good, "--resource", "t1/web/md", "--generation", "xyz"], e, /--generation/],
      [["plan", "--plan", good, "--generation", "0".repeat(64)], e, /destroy only/],
    ];
    for (const [args, environment, pattern] of cases) {
      const r = await runCli(args, environment);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(" "));
    }
    const c1 = await h.admin<Counters>("GET", "/counters");
    assert.equal(c1.total, c0.total, "bad input must not reach the API");
    await assert.rejects(applyPlan({ plan: bad, endpoint: h.emu.url, env }), HandlerInputError);

    // validate and --json
    const v = await runCli(["validate", "--plan", good, "--json"], {});
    assert.equal(v.code, 0);
    assert.equal((JSON.parse(v.stdout) as { ok: boolean }).ok, true);
    // --credentials-file and the superseded-generation no-op through the CLI
    const cred = path.join(dir, "cred.json");
    await fsp.writeFile(cred, JSON.stringify({ username: h.emu.username, password: h.emu.password }));
    const noop = await runCli(["destroy", "--plan", good, "--resource", "t1/web/md", "--generation", "0".repeat(64), "--credentials-file", cred, "--endpoint", h.emu.url], {});
    assert.equal(noop.code, 0, noop.stderr);
    // Never applied: no generation is recorded in Prism Central, so destroying another generation is a real destroy (nothing to delete here).
    assert.match(noop.stderr, /no generation is recorded as applied/);
    assert.match(noop.stderr, /nothing to delete/);
    // The plan command through the CLI with --json: data, no writes, secrets absent.
    const pj = await runCli(["plan", "--plan", good, "--credentials-file", cred, "--endpoint", h.emu.url, "--json"], {});
    assert.equal(pj.code, 0, pj.stderr);
    const parsed = JSON.parse(pj.stdout) as { diffs: Array<{ id: string; action: string }>; api: { writes: number } };
    assert.equal(parsed.api.writes, 0);
    assert.equal(parsed.diffs.find((d) => d.id === "t1/web/cp")!.action, "create");
    assert.ok(!pj.stdout.includes(h.emu.password) && !pj.stderr.includes(h.emu.password));
  });
});

test("a same-named unowned VM fails that pool with a clear message and is never touched", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cluster: "pcg-host", workers: [{ name: "default", replicas: 2 }] });
    const before = await listVms(h);
    const legacy = before.find((v) => v.spec.name === "pcg-host-default-1")!;
    const p = await planDiff({ ...base, plan });
    const d = p.diffs.find((x) => x.id === "t1/pcg-host/default")!;
    assert.equal(d.errors.length, 1);
    assert.match(d.errors[0]!, new RegExp(`pcg-host-default-1 is taken by VM ${legacy.metadata.uuid}`));
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 1);
    const row = r.resources.find((x) => x.id === "t1/pcg-host/default")!;
    assert.equal(row.result, "failed");
    assert.match(row.error!, /pcg-host-default-1.*refusing to adopt, modify or delete it/);
    assert.equal(r.resources.find((x) => x.id === "t1/pcg-host")!.result, "skipped");
    assert.equal(r.resources.find((x) => x.id === "t1/pcg-host/cp")!.result, "ok", "independent work finishes");
    const after = await listVms(h);
    assert.deepEqual(stackVmNames(after), ["pcg-host-cp-1", "pcg-host-cp-2", "pcg-host-cp-3"]);
    const same = after.filter((v) => v.spec.name === "pcg-host-default-1");
    assert.equal(same.length, 1);
    assert.equal(same[0]!.metadata.uuid, legacy.metadata.uuid);
    assert.equal(same[0]!.metadata.spec_version, legacy.metadata.spec_version);
    assert.deepEqual(unownedVersions(after), { "legacy-db-01": 0, "pcg-host-default-1": 0 });
  });
});

test("kube-vip: a VIP in the IPAM pool, on the gateway, or held by another VM's NIC is rejected with every reason", async () => {
  await withTarget({}, async ({ h, base }) => {
    const vms = await listVms(h);
    const legacyIp = vms.find((v) => v.spec.name === "legacy-db-01")!.status!.resources!.nic_list![0]!.ip_endpoint_list![0]!.ip;
    // A VIP inside the pool that a foreign VM holds: two reasons in one message; nothing created.
    const plan = makePlan({ vip: legacyIp, noNodeNetwork: true });
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 1);
    const ep = r.resources.find((x) => x.id === "t1/web/endpoint")!;
    assert.match(ep.error!, /inside the IPAM pool/);
    assert.match(ep.error!, /held by a NIC of VM legacy-db-01/);
    assert.equal(r.resources.find((x) => x.id === "t1/web/cp")!.result, "skipped");
    assert.deepEqual(stackVmNames(await listVms(h)), []);
    const gw = await planDiff({ ...base, plan: makePlan({ vip: "10.20.0.1", noNodeNetwork: true }) });
    assert.match(gw.diffs.find((d) => d.id === "t1/web/endpoint")!.errors.join("\n"), /gateway of subnet vm-net-20/);
    const out = await planDiff({ ...base, plan: makePlan({ vip: "10.30.0.10", noNodeNetwork: true }) });
    assert.match(out.diffs.find((d) => d.id === "t1/web/endpoint")!.errors.join("\n"), /outside subnet vm-net-20 \(10\.20\.0\.0\/24\)/);
  });
});

test("missing image and subnet are reported together before any write", async () => {
  await withTarget({}, async ({ h, base }) => {
    const plan = makePlan({ cpImage: "no-such-image" });
    // Also break a subnet name in a worker pool by editing the plan and fixing up its generation.
    const md = plan.resources.find((r) => r.id === "t1/web/md")!;
    (md.spec as { machine: { subnets: Array<{ name: string }> } }).machine.subnets = [{ name: "no-such-subnet" }];
    md.generation = generationOf(md.spec);
    const c0 = await h.admin<Counters>("GET", "/counters");
    const r = await applyPlan({ ...base, plan });
    assert.equal(r.exitCode, 1);
    const pc = r.resources.find((x) => x.id === "t1/pc")!;
    assert.match(pc.error!, /no image named no-such-image/);
    assert.match(pc.error!, /no subnet named no-such-subnet/);
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes, "no write");
  });
});

test("injected 5xx/429/resets: apply still converges; a FAILED task is reported with the API's message", async () => {
  await withTarget({ faultRate: 0.25, faultSeed: 7, faults: { retryAfterSeconds: 0 } }, async ({ h, base }) => {
    const plan = makePlan({ workers: [{ name: "md", replicas: 4 }] });
    let r = await applyPlan({ ...base, plan, retries: { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20 } });
    if (r.exitCode !== 0) r = await applyPlan({ ...base, plan, retries: { maxAttempts: 12, baseDelayMs: 2, maxDelayMs: 20 } });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
    assert.ok(r.api.retries > 0, "faults were injected and retried");
    await h.admin("PUT", "/faults", { faultRate: 0 });
    const vms = await listVms(h);
    const names = stackVmNames(vms);
    assert.deepEqual(names, ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2", "web-md-3", "web-md-4"]);
    assert.equal(new Set(names).size, names.length, "no duplicate");
    assert.deepEqual(unownedVersions(vms), { "legacy-db-01": 0, "pcg-host-default-1": 0 });

    await h.admin("PUT", "/faults", { failNextTasks: 1 });
    const bigger = makePlan({ workers: [{ name: "md", replicas: 5 }] });
    const failed = await applyPlan({ ...base, plan: bigger });
    assert.equal(failed.exitCode, 1);
    const row = failed.resources.find((x) => x.id === "t1/web/md")!;
    assert.match(row.error!, /create web-md-5: task [0-9a-f-]+ FAILED: error_code 9: INTERNAL_ERROR: ErrorCode: 9/);
    const ok = await applyPlan({ ...base, plan: bigger });
    assert.equal(ok.exitCode, 0, "a re-run converges");
    assert.equal(stackVmNames(await listVms(h)).filter((n) => n.startsWith("web-md-")).length, 5);
  });
});

test("HTTPS: trusted through --ca-bundle / NUTANIX_CA_BUNDLE; an untrusted certificate fails with a TLS message (exit 1)", async () => {
  await withTarget({ https: true }, async ({ h, env }) => {
    const dir = await tempDir("npc-tls-");
    const planFile = path.join(dir, "nutanix-plan.json");
    await fsp.writeFile(planFile, JSON.stringify(makePlan({ workers: [{ name: "md", replicas: 1 }] })));
    const caFile = path.join(dir, "ca.pem");
    await fsp.writeFile(caFile, h.emu.caPem!);
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const untrusted = await runCli(["plan", "--plan", planFile], e);
    assert.equal(untrusted.code, 1, untrusted.stderr);
    assert.match(untrusted.stderr, /TLS|certificate/i);
    const ok = await runCli(["apply", "--plan", planFile, "--ca-bundle", caFile], e);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /RESOURCE\s+ACTION\s+RESULT\s+TIME/);
    assert.ok(!ok.stderr.includes(h.emu.password));
    const viaEnv = await runCli(["apply", "--plan", planFile, "--json"], { ...e, NUTANIX_CA_BUNDLE: caFile });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal((JSON.parse(viaEnv.stdout) as { api: { writes: number } }).api.writes, 0);
  });
});
