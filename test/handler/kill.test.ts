/**
 * SIGKILL of the handler child process at several points (after the first create POST, mid-creates,
 * during a scale-down's deletes, during a rolling replacement), then a re-run: it converges with no
 * duplicate VM and no leaked VM.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import type { Counters } from "../../lib/emulator";
import { applyPlan } from "../../lib/handler";
import type { Plan } from "../../lib/schema/plan";
import { tempDir, type EmulatorHarness } from "../helpers/emulator";
import { IMAGE_B, listVms, makePlan, unownedVersions, withTarget } from "./fixtures";

const BIN = path.join(__dirname, "..", "..", "bin", "nutanix-handler.js");

interface StateVm {
  uuid: string;
  spec: { name: string };
  metadata: { categories: Record<string, string>; spec_version: number };
  deleteTask?: string;
}

/** Every VM the emulator holds, pending creates included. */
async function stateVms(h: EmulatorHarness): Promise<StateVm[]> {
  const s = await h.admin<{ vms: Record<string, StateVm> }>("GET", "/state");
  return Object.values(s.vms);
}

function startHandler(planFile: string, h: EmulatorHarness, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, [BIN, "apply", "--plan", planFile, "--parallelism", "2", "--quiet", ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NUTANIX_ENDPOINT: h.emu.url, NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password },
  });
}

async function killWhen(child: ChildProcess, h: EmulatorHarness, cond: (c: Counters) => boolean, what: string): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the handler exited (${child.exitCode}) before ${what}: ${stderr}`);
    if (cond(await h.admin<Counters>("GET", "/counters"))) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGKILL");
  await exited;
}

const route = (c: Counters, r: string): number => c.byRoute[r] ?? 0;

async function converge(h: EmulatorHarness, base: { endpoint: string; env: NodeJS.ProcessEnv }, plan: Plan, expected: string[]): Promise<void> {
  const r = await applyPlan({ ...base, plan, poll: { initialDelayMs: 20, maxDelayMs: 100 } });
  assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
  const vms = (await stateVms(h)).filter((v) => v.metadata.categories.NpcStack === "t1");
  const names = vms.map((v) => v.spec.name).sort();
  assert.equal(new Set(names).size, names.length, `duplicate VM names: ${names.join(", ")}`);
  assert.deepEqual(names.map((n) => n.replace(/-[0-9a-f]{6}$/, "")), expected, `leaked or missing VMs: ${names.join(", ")}`);
  assert.ok(vms.every((v) => !v.deleteTask), "nothing left half-deleted");
  const all = await stateVms(h);
  assert.deepEqual(unownedVersions(all.map((v) => ({ spec: { name: v.spec.name, resources: {} }, metadata: { kind: "vm", spec_version: v.metadata.spec_version } }))), {
    "legacy-db-01": 0,
    "pcg-host-default-1": 0,
  });
  // A second re-run is a no-op.
  const again = await applyPlan({ ...base, plan });
  assert.equal(again.api.writes, 0);
}

test("SIGKILL at several points, then a re-run: no duplicate, no leak", { timeout: 180_000 }, async () => {
  await withTarget({ taskMs: 400 }, async ({ h, base }) => {
    const dir = await tempDir("npc-kill-");
    const write = async (name: string, plan: Plan): Promise<string> => {
      const f = path.join(dir, name);
      await fsp.writeFile(f, JSON.stringify(plan));
      return f;
    };
    const four = makePlan({ workers: [{ name: "md", replicas: 4 }] });
    const first = ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2", "web-md-3", "web-md-4"];
    const f4 = await write("four.json", four);

    // 1. Right after the first create POST was acknowledged (its task still running).
    let c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(f4, h), h, (c) => route(c, "POST /vms") > route(c0, "POST /vms"), "the first POST /vms");
    assert.ok((await stateVms(h)).some((v) => v.metadata.categories.NpcStack === "t1"), "a create was in flight when killed");
    // 2. Re-run, killed again in the middle of the remaining creates.
    c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(f4, h), h, (c) => route(c, "POST /vms") >= route(c0, "POST /vms") + 2, "two more POST /vms");
    await converge(h, base, four, first);

    // 3. During a scale-down's deletes.
    const one = makePlan({ workers: [{ name: "md", replicas: 1 }] });
    const f1 = await write("one.json", one);
    c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(f1, h), h, (c) => route(c, "DELETE /vms/{uuid}") > route(c0, "DELETE /vms/{uuid}"), "the first DELETE");
    await converge(h, base, one, ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1"]);

    // 4. During a rolling replacement of the control plane: after the first new VM's POST, and after its old VM's DELETE.
    const rolled = makePlan({ workers: [{ name: "md", replicas: 1 }], cpImage: IMAGE_B });
    const fr = await write("rolled.json", rolled);
    c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(fr, h), h, (c) => route(c, "POST /vms") > route(c0, "POST /vms"), "the roll's first POST");
    c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(fr, h), h, (c) => route(c, "DELETE /vms/{uuid}") > route(c0, "DELETE /vms/{uuid}"), "a roll's DELETE");
    await converge(h, base, rolled, ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1"]);
    const cps = (await stateVms(h)).filter((v) => v.spec.name.startsWith("web-cp-"));
    assert.ok(cps.every((v) => /-[0-9a-f]{6}$/.test(v.spec.name)), "every control-plane VM was rebuilt");
  });
});

test("SIGKILL during a scale-up, then a scale-down: the creates still running are found, waited for and deleted", { timeout: 120_000 }, async () => {
  await withTarget({ taskMsByOperation: { create_vm_intentful: 2000 } }, async ({ h, base }) => {
    const dir = await tempDir("npc-kill-down-");
    const one = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] });
    const three = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 3 }] });
    assert.equal((await applyPlan({ ...base, plan: one })).exitCode, 0);
    const f3 = path.join(dir, "three.json");
    await fsp.writeFile(f3, JSON.stringify(three));
    const c0 = await h.admin<Counters>("GET", "/counters");
    await killWhen(startHandler(f3, h), h, (c) => route(c, "POST /vms") > route(c0, "POST /vms"), "the scale-up's first POST /vms");
    const listed = new Set((await listVms(h)).map((v) => v.metadata.uuid));
    const inFlight = (await stateVms(h)).filter((v) => v.metadata.categories.NpcStack === "t1" && !listed.has(v.uuid));
    assert.ok(inFlight.length >= 1, "a create of the scale-up was still running (not listed) when the handler was killed");
    // The re-run lowers the pool back to 1: the VMs of the killed scale-up are in no VM list yet.
    await converge(h, base, one, ["web-cp-1", "web-md-1"]);
  });
});
