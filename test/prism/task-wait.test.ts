/**
 * waitForTask learns task durations: it sleeps before the first poll, learns per operation_type the
 * shortest duration seen (server clock), and after one task of a type waits for the next one of the
 * same duration with at most 2 polls. Error and timeout semantics stay.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { PrismError, PrismTaskError, taskDurationMs } from "../../lib/prism";
import type { Counters } from "../../lib/emulator";
import { SMALL_SEED, vmBody, withEmulator, type EmulatorHarness } from "../helpers/emulator";


const polls = async (h: EmulatorHarness): Promise<number> => (await h.admin<Counters>("GET", "/counters")).byRoute["GET /tasks/{uuid}"] ?? 0;

test("waitForTask: after one task of a type, the next of the same duration takes at most 2 polls", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 300 }, async (h) => {
    const c = h.client();
    const body = await vmBody(c, "learn-1");
    const first = await c.createVm(body);
    let p0 = await polls(h);
    const t0 = Date.now();
    await c.waitForTask(first.taskUuid, { initialDelayMs: 20, maxDelayMs: 1000 });
    assert.ok(Date.now() - t0 >= 250, "the first wait sleeps before polling and lasts the task");
    assert.ok((await polls(h)) - p0 >= 2, "nothing learned yet: a backoff of several polls");
    assert.equal(c.learnedTaskDurations.get("create_vm_intentful"), 300, "learned on the server's clock");

    for (const name of ["learn-2", "learn-3"]) {
      const next = await c.createVm(await vmBody(c, name));
      p0 = await polls(h);
      const s = Date.now();
      const task = await c.waitForTask(next.taskUuid, { initialDelayMs: 20, maxDelayMs: 1000 });
      const n = (await polls(h)) - p0;
      assert.equal(task.status, "SUCCEEDED");
      assert.ok(n <= 2, `${name}: ${n} polls (expected ≤ 2)`);
      assert.ok(Date.now() - s < 300 + 200, `${name}: seen done soon after it finished (${Date.now() - s} ms)`);
    }

    // A task of another type (delete) is not assumed to take as long: it starts from the stock schedule.
    const del = await c.deleteVm(first.uuid);
    await c.waitForTask(del!, { initialDelayMs: 20, maxDelayMs: 1000 });
    assert.equal(c.learnedTaskDurations.get("delete_vm_intentful"), 300);
  });
});

test("waitForTask with a learned duration keeps the failure and timeout semantics", async () => {
  await withEmulator({ seed: SMALL_SEED, taskMs: 200 }, async (h) => {
    const c = h.client();
    const ok = await c.createVm(await vmBody(c, "ok-1"));
    await c.waitForTask(ok.taskUuid, { initialDelayMs: 10 });
    assert.equal(c.learnedTaskDurations.get("create_vm_intentful"), 200);

    const bad = await c.waitForTask("00000000-0000-4000-8000-000000000000", { initialDelayMs: 10 }).then(() => null, (e: unknown) => e);
    assert.ok(bad instanceof PrismTaskError && bad.taskStatus === "INVALID_UUID");

    const slow = await c.createVm(await vmBody(c, "slow-1"));
    const s = Date.now();
    await assert.rejects(c.waitForTask(slow.taskUuid, { timeoutMs: 120, initialDelayMs: 10 }), (e: unknown) => e instanceof PrismError && e.name === "PrismTimeoutError");
    assert.ok(Date.now() - s < 1000, "the deadline bounds the learned sleep too");
  });
});

test("taskDurationMs: usecs first, RFC 3339 times when usecs are absent", () => {
  assert.equal(taskDurationMs({ uuid: "t", status: "SUCCEEDED", creation_time_usecs: 1_000_000, completion_time_usecs: 1_450_000 }), 450);
  assert.equal(taskDurationMs({ uuid: "t", status: "SUCCEEDED", creation_time: "2024-05-01T10:00:00.100Z", completion_time: "2024-05-01T10:00:01.350Z" }), 1250);
  assert.equal(taskDurationMs({ uuid: "t", status: "SUCCEEDED", creation_time: "2024-05-01T10:00:00Z", completion_time: "2024-05-01T12:00:00+02:00" }), 0);
  assert.equal(taskDurationMs({ uuid: "t", status: "RUNNING" }), undefined);
});
