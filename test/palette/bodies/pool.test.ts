import assert from "node:assert/strict";
import { test } from "node:test";
import { machinePoolCreateRequest, machinePoolDeleteRequest, machinePoolUpdateRequest } from "../../../lib/palette";
import { workerPool } from "../../helpers/palette";
import { writeErrors } from "./spec";

const pool = { values: workerPool("wl-1", "workers-a", 4).cloudConfig.values!, isControlPlane: false, additionalLabels: { pool: "workers-a" } };

test("a scale or machine change PUTs the pool's full entity to …/machinePools/{name}; add POSTs, remove DELETEs; all validate against the spec", () => {
  const put = machinePoolUpdateRequest("cfg0123456789abcdef01234", "workers-a", pool);
  assert.deepEqual([put.method, put.path], ["PUT", "/v1/cloudconfigs/cloudTypes/nutanix/cfg0123456789abcdef01234/machinePools/workers-a"]);
  assert.deepEqual(put.body, { cloudConfig: { values: pool.values }, poolConfig: { isControlPlane: false, taints: [], additionalLabels: { pool: "workers-a" } } });
  const post = machinePoolCreateRequest("cfg0123456789abcdef01234", "workers-c", pool);
  const del = machinePoolDeleteRequest("cfg0123456789abcdef01234", "a b");
  assert.deepEqual([post.method, post.path, del.method, del.path], ["POST", "/v1/cloudconfigs/cloudTypes/nutanix/cfg0123456789abcdef01234/machinePools", "DELETE", "/v1/cloudconfigs/cloudTypes/nutanix/cfg0123456789abcdef01234/machinePools/a%20b"]);
  assert.deepEqual([...writeErrors(put), ...writeErrors(post), ...writeErrors(del)], []);
});
