/**
 * The stack lock through real child processes of the CLI (bin/nutanix-handler.js): two different plans
 * of one stack applied at once. The second refuses at once with `locked by …` (exit 1, nothing changed)
 * on one machine (the local lock) and across machines (another lock directory: the Prism Central
 * record); `--lock-timeout` makes it wait and then succeed; `force-unlock` frees either lock by its id.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import type { Counters } from "../../../lib/emulator";
import type { Plan } from "../../../lib/schema/plan";
import { tempDir, type EmulatorHarness } from "../../helpers/emulator";
import { listVms, makePlan, stackVmNames, withTarget } from "../fixtures";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "nutanix-handler.js");

interface Run {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stderr: string; ms: number }>;
}

function handler(h: EmulatorHarness, args: string[], lockDir: string, cwd: string): Run {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NUTANIX_ENDPOINT: h.emu.url, NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password, NPC_LOCK_DIR: lockDir },
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => child.once("exit", (code) => resolve({ code, stderr, ms: Date.now() - t0 })));
  return { child, done };
}

async function writePlan(dir: string, name: string, plan: Plan): Promise<string> {
  const f = path.join(dir, name);
  await fsp.writeFile(f, JSON.stringify(plan));
  return f;
}

/** Waits until the emulator counted a VM create (the first run holds both locks by then). */
async function firstCreate(h: EmulatorHarness, run: Run): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (((await h.admin<Counters>("GET", "/counters")).byRoute["POST /vms"] ?? 0) === 0) {
    if (run.child.exitCode !== null) throw new Error(`the first run exited early: ${(await run.done).stderr}`);
    if (Date.now() > deadline) throw new Error("timed out waiting for the first create");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const apply = (planFile: string, extra: string[] = []): string[] => ["apply", "--plan", planFile, "--parallelism", "2", ...extra];

test("two plans of one stack at once: the second refuses at once with `locked by …` (same machine and across machines), nothing changed; the first completes", { timeout: 120_000 }, async () => {
  // Slow tasks keep the first run going while the others start (a child's start takes seconds on a loaded machine).
  await withTarget({ taskMs: 6000 }, async ({ h }) => {
    const dir = await tempDir();
    const a = await writePlan(dir, "a.json", makePlan());
    const b = await writePlan(dir, "b.json", makePlan({ workers: [{ name: "md", replicas: 4 }] }));
    const first = handler(h, apply(a), path.join(dir, "locks"), dir);
    await firstCreate(h, first);
    // The same machine (the same lock directory) and another machine (another one: Prism Central's record refuses it).
    const [here, away] = await Promise.all([handler(h, apply(b), path.join(dir, "locks"), dir).done, handler(h, apply(b), path.join(dir, "other-machine"), dir).done]);
    assert.equal(first.child.exitCode, null, "the first run was still going");
    assert.equal(here.code, 1, here.stderr);
    assert.match(here.stderr, /locked by \S+@\S+ pid \d+ \(plan [0-9a-f]{12}, since [^;]+; lock id [0-9a-f]{16}\)/);
    assert.ok(here.ms < 20_000, `refused at once (${here.ms} ms)`);
    assert.equal(away.code, 1, away.stderr);
    assert.match(away.stderr, /locked by .*lock id [0-9a-f]{16}, in Prism Central\)/);
    for (const refused of [here, away]) assert.doesNotMatch(refused.stderr, /created web-|deleted web-|updated web-/, "a refused run changes nothing");
    const r = await first.done;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2"], "the first plan's VMs, none of the second's");
  });
});

test("--lock-timeout: the second plan waits for the first and then applies", { timeout: 120_000 }, async () => {
  await withTarget({ taskMs: 2500 }, async ({ h }) => {
    const dir = await tempDir();
    const a = await writePlan(dir, "a.json", makePlan());
    const b = await writePlan(dir, "b.json", makePlan({ workers: [{ name: "md", replicas: 3 }] }));
    const first = handler(h, apply(a), path.join(dir, "locks"), dir);
    await firstCreate(h, first);
    const second = handler(h, apply(b, ["--lock-timeout", "90s"]), path.join(dir, "locks"), dir);
    const r0 = await first.done;
    assert.equal(second.child.exitCode, null, "the second run was still waiting when the first finished");
    const r2 = await second.done;
    assert.equal(r0.code, 0, r0.stderr);
    assert.equal(r2.code, 0, r2.stderr);
    assert.deepEqual(stackVmNames(await listVms(h)), ["web-cp-1", "web-cp-2", "web-cp-3", "web-md-1", "web-md-2", "web-md-3"], "the second plan applied after the first");
    const bad = await handler(h, apply(b, ["--lock-timeout", "soon"]), path.join(dir, "locks"), dir).done;
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--lock-timeout: expected a duration/);
  });
});

test("force-unlock <id> frees the local lock, and with --plan the Prism Central record, of a run that holds them", { timeout: 120_000 }, async () => {
  await withTarget({ taskMs: 30_000 }, async ({ h }) => {
    const dir = await tempDir();
    const nowhere = await tempDir(); // no plan file here: force-unlock without --plan asks no Prism Central
    const a = await writePlan(dir, "a.json", makePlan());
    const b = await writePlan(dir, "b.json", makePlan({ workers: [{ name: "md", replicas: 4 }] }));
    const locks = path.join(dir, "locks");
    const first = handler(h, apply(a), locks, dir);
    try {
      await firstCreate(h, first);
      const local = await handler(h, apply(b), locks, dir).done;
      const localId = /lock id ([0-9a-f]{16})\)/.exec(local.stderr)?.[1];
      assert.ok(localId, local.stderr);
      const remote = await handler(h, apply(b), path.join(dir, "other-machine"), dir).done;
      const remoteId = /lock id ([0-9a-f]{16}), in Prism Central\)/.exec(remote.stderr)?.[1];
      assert.ok(remoteId, remote.stderr);

      const none = await handler(h, ["force-unlock", "0123456789abcdef"], locks, nowhere).done;
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no lock has id 0123456789abcdef/);
      const u1 = await handler(h, ["force-unlock", localId], locks, nowhere).done;
      assert.equal(u1.code, 0, u1.stderr);
      assert.match(u1.stderr, new RegExp(`freed the local lock ${localId}`));
      const u2 = await handler(h, ["force-unlock", remoteId, "--plan", b], locks, nowhere).done;
      assert.equal(u2.code, 0, u2.stderr);
      assert.match(u2.stderr, new RegExp(`freed the Prism Central record ${remoteId}`));
      const state = await h.admin<{ categories: Record<string, { values: Record<string, unknown> }> }>("GET", "/state");
      assert.deepEqual(Object.keys(state.categories.NpcLock?.values ?? {}), [], "the record is gone");
      const bad = await handler(h, ["force-unlock", "nope"], locks, nowhere).done;
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /expected one lock id/);
    } finally {
      first.child.kill("SIGKILL");
      await first.done;
    }
  });
});
