/** The peers' poll schedules and the recorder's round-trip counting (pure functions of the bench). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CAPX_SCHEDULE, TPN_SCHEDULE } from "../../bench/peers";
import { finishRoundTrips, startupRoundTrips, type RecordedRequest } from "../../bench/recorder";

test("CAPX polls at once, then every 2 s; TPN waits 3 s, then 3 s, 6 s, then 10 s", () => {
  assert.deepEqual([0, 1, 2, 3].map(CAPX_SCHEDULE), [0, 2000, 2000, 2000]);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(TPN_SCHEDULE), [3000, 3000, 6000, 10_000, 10_000, 10_000]);
});

const req = (method: string, path: string, start: number, end: number): RecordedRequest => ({ method, path, start, end });

test("start-up round trips: the longest chain of one-after-the-other requests before the first VM create; overlapping ones count once", () => {
  const reqs = [
    req("GET", "/api/nutanix/v3/users/me", 0, 200),
    req("POST", "/api/nutanix/v3/clusters/list", 1, 201),
    req("POST", "/api/nutanix/v3/subnets/list", 2, 202),
    req("PUT", "/api/nutanix/v3/categories/K", 205, 405),
    req("GET", "/_emulator/health", 406, 407),
    req("POST", "/api/nutanix/v3/vms", 410, 610),
    req("GET", "/api/nutanix/v3/tasks/t1", 5410, 5610),
    req("PUT", "/api/nutanix/v3/categories/NpcApplied/a", 5620, 5820),
    req("DELETE", "/api/nutanix/v3/categories/NpcLock/l", 5821, 6021),
  ];
  assert.equal(startupRoundTrips(reqs), 2);
  assert.equal(finishRoundTrips(reqs), 2);
});
