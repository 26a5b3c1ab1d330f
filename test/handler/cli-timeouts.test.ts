/**
 * `--task-timeout` and `--request-timeout`: parsed into the API's options, refused with clear messages,
 * and in effect: a task longer than the task timeout fails the resource with a message naming the flag.
 * Learned task durations persist in `.nutanix-task-durations.json` beside the plan, so the next process
 * starts warm.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCli } from "../../lib/handler/cli";
import { HandlerInputError } from "../../lib/handler/errors";
import { applyPlan } from "../../lib/handler";
import { TASK_DURATIONS_FILE_NAME } from "../../lib/handler/session";
import { loadTaskDurations } from "../../lib/prism/task-durations";
import { makePlan, withTarget } from "./fixtures";

test("parseCli: --task-timeout and --request-timeout become taskTimeoutMs and requestTimeoutMs", () => {
  const p = parseCli(["apply", "--task-timeout", "45m", "--request-timeout", "60"]);
  assert.ok(!p.help);
  assert.deepEqual(p.options, { taskTimeoutMs: 2_700_000, requestTimeoutMs: 60_000, prune: true });
  assert.throws(() => parseCli(["apply", "--task-timeout", "soon"]), (e: unknown) => e instanceof HandlerInputError && /--task-timeout: expected a duration such as 30s, 20m, 1h30m or 500ms/.test(e.message));
  assert.throws(() => parseCli(["plan", "--request-timeout", "0"]), (e: unknown) => e instanceof HandlerInputError && /--request-timeout: expected a duration above zero, got "0"/.test(e.message));
});

test("a task longer than --task-timeout fails the resource, naming the flag", async () => {
  await withTarget({ taskMs: 3000 }, async ({ base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [] }), taskTimeoutMs: 400, taskDurationsFile: false });
    assert.equal(r.exitCode, 1);
    const failed = r.resources.find((x) => x.result === "failed");
    assert.ok(failed, JSON.stringify(r.resources));
    assert.match(failed.error ?? "", /timed out after 400 ms.*raise it with --task-timeout <duration>/);
  });
});

test("learned task durations persist beside the plan file and load in the next process", async () => {
  await withTarget({ taskMs: 120 }, async ({ h, base }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "npc-durations-"));
    try {
      const planFile = path.join(dir, "nutanix-plan.json");
      fs.writeFileSync(planFile, JSON.stringify(makePlan({ cpReplicas: 1, workers: [] })));
      const r = await applyPlan({ ...base, plan: planFile });
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources));
      const file = path.join(dir, TASK_DURATIONS_FILE_NAME);
      assert.ok(fs.existsSync(file), "the durations file is written beside the plan");
      const learned = loadTaskDurations(file, new URL(h.emu.url).origin);
      assert.ok((learned.get("create_vm_intentful") ?? 0) > 0, JSON.stringify([...learned]));
      assert.ok(!fs.readFileSync(file, "utf8").includes(h.emu.password), "no secret in the cache file");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("parseCli: --gateway-timeout and --approve-repave become gatewayTimeoutMs and approveRepave, for apply only", () => {
  const p = parseCli(["apply", "--gateway-timeout", "45m", "--approve-repave"]);
  assert.ok(!p.help);
  assert.deepEqual(p.options, { gatewayTimeoutMs: 2_700_000, approveRepave: true, prune: true });
  assert.throws(() => parseCli(["plan", "--approve-repave"]), (e: unknown) => e instanceof HandlerInputError && /--approve-repave is for apply only/.test(e.message));
  assert.throws(() => parseCli(["apply", "--gateway-timeout", "soon"]), (e: unknown) => e instanceof HandlerInputError && /--gateway-timeout: expected a duration/.test(e.message));
});
