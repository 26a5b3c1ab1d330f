/**
 * The handler's output as people read it: plan --detailed-exitcode (0 / 2 / 1, as terraform), create on a
 * first apply, rows in dependency order, k/n on settled lines, DETAIL cells ending with …, typed values in
 * --json, destroy listing what it deletes before --yes or a prompt, and status (reads only).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { applyPlan } from "../../lib/handler";
import { main } from "../../lib/handler/cli";
import { cell, summaryTable } from "../../lib/handler/progress";
import { dependencyOrder, summaryActions } from "../../lib/handler/results";
import type { ResourceResult } from "../../lib/handler/types";
import type { Counters } from "../../lib/emulator";
import { tempDir } from "../helpers/emulator";
import { listVms, makePlan, stackVmNames, withTarget } from "./fixtures";

interface Run { code: number; stdout: string; stderr: string }

async function cli(args: string[], env: NodeJS.ProcessEnv, prompt?: (q: string) => Promise<string>): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: false, ...(prompt ? { prompt } : {}) });
    return { code, stdout, stderr };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

async function planFile(plan = makePlan(), name = "nutanix-plan.json"): Promise<string> {
  const file = path.join(await tempDir("npc-output-"), name);
  await fsp.writeFile(file, JSON.stringify(plan));
  return file;
}

test("dependencyOrder: in id order, each id preceded by its dependencies", () => {
  const order = dependencyOrder(makePlan().resources);
  assert.deepEqual(order, ["t1/pc", "t1/web/endpoint", "t1/web/cp", "t1/web/md", "t1/web"]);
  assert.deepEqual(dependencyOrder([{ id: "b", dependsOn: [] }, { id: "a", dependsOn: ["c"] }, { id: "c", dependsOn: [] }]), ["c", "a", "b"]);
});

test("summaryActions: an entity-less resource whose pools were all created shows create; a re-apply keeps no-change", () => {
  const res = makePlan().resources;
  const row = (id: string, action: ResourceResult["action"]): ResourceResult => ({ id, kind: res.find((r) => r.id === id)!.kind, action, result: "ok", ms: 0 });
  const first = summaryActions([row("t1/pc", "no-change"), row("t1/web", "no-change"), row("t1/web/cp", "create"), row("t1/web/md", "create")], res);
  assert.deepEqual(first.map((r) => r.action), ["create", "create", "create", "create"]);
  const scale = summaryActions([row("t1/web", "no-change"), row("t1/web/cp", "no-change"), row("t1/web/md", "update")], res);
  assert.deepEqual(scale.map((r) => r.action), ["no-change", "no-change", "update"]);
});

test("summary table: a long DETAIL cell, or one with more lines, ends with …", () => {
  assert.equal(cell("short"), "short");
  const long = cell("x".repeat(150));
  assert.equal(long.length, 100);
  assert.ok(long.endsWith("…"));
  assert.equal(cell("first line\nsecond"), "first line…");
  const table = summaryTable([{ id: "a", kind: "NodePool", action: "create", result: "ok", ms: 1, detail: "y".repeat(120) }]);
  assert.match(table, /y{99}…$/m);
});

test("first apply: every row says create, rows in dependency order, settled lines count k/n", async () => {
  await withTarget({}, async ({ base }) => {
    const lines: string[] = [];
    const r = await applyPlan({ ...base, plan: makePlan(), log: (l) => lines.push(l) });
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.resources.map((x) => [x.id, x.action]), [["t1/pc", "create"], ["t1/web/endpoint", "create"], ["t1/web/cp", "create"], ["t1/web/md", "create"], ["t1/web", "create"]]);
    const counted = lines.filter((l) => / \[\d\/5\]/.test(l)).map((l) => / \[(\d)\/5\]/.exec(l)![1]);
    assert.deepEqual(counted, ["1", "2", "3", "4", "5"]);
    const again = await applyPlan({ ...base, plan: makePlan() });
    assert.ok(again.resources.every((x) => x.action === "no-change"), JSON.stringify(again.resources.map((x) => x.action)));
  });
});

test("plan --detailed-exitcode: 2 with changes, 0 without, 1 on bad input; --json has numbers as numbers", async () => {
  await withTarget({}, async ({ h, env }) => {
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const file = await planFile();
    assert.equal((await cli(["plan", "--plan", file, "--detailed-exitcode", "--quiet"], e)).code, 2);
    assert.equal((await cli(["apply", "--plan", file, "--quiet"], e)).code, 0);
    const none = await cli(["plan", "--plan", file, "--detailed-exitcode", "--quiet"], e);
    assert.equal(none.code, 0, none.stderr);
    assert.equal((await cli(["plan", "--plan", path.join(path.dirname(file), "missing.json"), "--detailed-exitcode"], e)).code, 1);
    assert.equal((await cli(["plan", "--plan", file], e)).code, 0, "without the flag a plan with changes still exits 0");
    assert.equal((await cli(["apply", "--plan", file, "--detailed-exitcode"], e)).code, 1, "--detailed-exitcode is for plan only");

    const up = await planFile(makePlan({ workers: [{ name: "md", replicas: 4, memoryGiB: 8 }] }), "up.json");
    const j = await cli(["plan", "--plan", up, "--json", "--quiet"], e);
    const out = JSON.parse(j.stdout) as { diffs: { id: string; changes: { field: string; from: unknown; to: unknown }[]; vms: { changes: { field: string; from: unknown; to: unknown }[] }[] }[]; api: { writes: unknown }; ok: unknown };
    const md = out.diffs.find((d) => d.id === "t1/web/md")!;
    assert.deepEqual(md.changes, [{ field: "replicas", from: 2, to: 4 }]);
    const mem = md.vms.flatMap((v) => v.changes).find((c) => c.field === "memory_size_mib")!;
    assert.deepEqual([typeof mem.from, typeof mem.to], ["number", "number"]);
    assert.equal(typeof out.api.writes, "number");
    assert.equal(out.ok, true);
  });
});

test("destroy of the stack: no terminal and no --yes refuses listing what it would delete, with no API call", async () => {
  await withTarget({}, async ({ h, env }) => {
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const file = await planFile();
    assert.equal((await cli(["apply", "--plan", file, "--quiet"], e)).code, 0);
    const c0 = await h.admin<Counters>("GET", "/counters");
    const r = await cli(["destroy", "--plan", file], e);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /pass --yes/);
    assert.match(r.stderr, /t1\/web\/cp \(NodePool\): 3 VM\(s\) web-cp-<n>/);
    assert.match(r.stderr, /t1\/web\/md \(NodePool\): 2 VM\(s\) web-md-<n>/);
    assert.equal((await h.admin<Counters>("GET", "/counters")).total, c0.total);

    const questions: string[] = [];
    const no = await cli(["destroy", "--plan", file], e, async (q) => (questions.push(q), "no"));
    assert.equal(no.code, 1);
    assert.match(no.stderr, /destroy would delete 5 VM\(s\) of stack t1:/);
    assert.match(no.stderr, /t1\/web\/cp \(NodePool\): web-cp-1, web-cp-2, web-cp-3/);
    assert.match(no.stderr, /nothing was deleted/);
    assert.match(questions[0]!, /Only 'yes' will be accepted/);
    assert.equal(stackVmNames(await listVms(h)).length, 5);
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes, "the preview only reads");

    const yes = await cli(["destroy", "--plan", file, "--quiet"], e, async () => "yes");
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual(stackVmNames(await listVms(h)), []);
  });
});

test("status: clusters, pools, VMs with power state and IPs; reads only", async () => {
  await withTarget({}, async ({ h, env }) => {
    const e = { ...env, NUTANIX_ENDPOINT: h.emu.url };
    const file = await planFile();
    const before = await cli(["status", "--plan", file, "--json"], e);
    assert.equal(before.code, 0, before.stderr);
    const empty = JSON.parse(before.stdout) as { status: { clusters: { name: string; pools: { name: string; wanted: number; vms: unknown[] }[] }[] } };
    assert.deepEqual(empty.status.clusters.map((c) => [c.name, c.pools.map((p) => [p.name, p.wanted, p.vms.length])]), [["web", [["cp", 3, 0], ["md", 2, 0]]]]);
    assert.equal((await cli(["apply", "--plan", file, "--quiet"], e)).code, 0);
    const c0 = await h.admin<Counters>("GET", "/counters");
    const text = await cli(["status", "--plan", file], e);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^CLUSTER +POOL +VMS +VM +POWER +STATE +IPS/m);
    assert.match(text.stdout, /^web +cp +3\/3 +web-cp-1 +ON +\S+ +10\.20\.0\.\d+/m);
    assert.match(text.stdout, /stack t1: 1 cluster\(s\), 5 VM\(s\)/);
    const j = JSON.parse((await cli(["status", "--plan", file, "--json"], e)).stdout) as { status: { vmCount: number; clusters: { pools: { vms: { power: string; ips: string[] }[] }[] }[] } };
    assert.equal(j.status.vmCount, 5);
    for (const vm of j.status.clusters[0]!.pools.flatMap((p) => p.vms)) {
      assert.equal(vm.power, "ON");
      assert.ok(vm.ips.length >= 1 && vm.ips.every((ip) => /^10\.20\.0\.\d+$/.test(ip)), JSON.stringify(vm));
    }
    assert.equal((await h.admin<Counters>("GET", "/counters")).writes, c0.writes, "status writes nothing");
  });
});
