/**
 * The lock record's settle window is used for reading, never for writing (issue 12 item 8): a writing
 * apply's session reads while the record (written, then read back after `settleMs`) settles, and its
 * first write comes only after the read-back confirmed the record. Measured with the bench's recording
 * proxy between the handler and the emulator (loopback).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan } from "../../../lib/handler";
import { startRecorder, type RecordedRequest } from "../../../bench/recorder";
import { makePlan, withTarget } from "../fixtures";

const isLockRecord = (r: RecordedRequest): boolean => /\/categories\/NpcLock\/l[0-9a-f]{32}$/.test(r.path);
const isRead = (r: RecordedRequest): boolean => r.method === "GET" || (r.method === "POST" && /\/list$/.test(r.path));

test("a writing apply reads while the lock record settles and writes only after the read-back", { timeout: 120_000 }, async () => {
  await withTarget({ latencyMs: 40 }, async ({ h, base }) => {
    const rec = await startRecorder(h.emu.url);
    try {
      const r = await applyPlan({ ...base, endpoint: rec.url, plan: makePlan(), lockSettleMs: 1500 });
      assert.equal(r.exitCode, 0, JSON.stringify(r.resources));
      const api = rec.requests.filter((x) => !x.path.startsWith("/_emulator")).sort((a, b) => a.start - b.start);
      const put = api.find((x) => x.method === "PUT" && isLockRecord(x));
      assert.ok(put, "the record was written");
      const back = api.find((x) => x.method === "GET" && isLockRecord(x) && x.start >= put.end);
      assert.ok(back, "and read back");
      assert.ok(back.start - put.end >= 1400, `the read-back waited the settle (${back.start - put.end} ms)`);
      const during = api.filter((x) => x.start >= put.end && x.end <= back.start);
      const reads = api.filter((x) => isRead(x) && !isLockRecord(x) && x.end > put.end && x.end <= back.start);
      assert.ok(reads.length > 0, "the session read during the settle");
      assert.deepEqual(during.filter((x) => !isRead(x)).map((x) => `${x.method} ${x.path}`), [], "nothing was written during the settle");
      const writes = api.filter((x) => !isRead(x) && x !== put && x.start >= put.start);
      assert.ok(writes.length > 0);
      const early = writes.filter((x) => x.start < back.end && !(x.method === "DELETE" && isLockRecord(x)));
      assert.deepEqual(early.map((x) => `${x.method} ${x.path}`), [], "no write before the read-back answered");
    } finally {
      await rec.stop();
    }
  });
});
