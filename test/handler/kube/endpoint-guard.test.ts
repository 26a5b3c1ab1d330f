/**
 * A live cluster's kube-vip endpoint cannot move (issue 14): the endpoint is read back from the kubeadm
 * configuration in its control-plane VMs' user data; `plan` and `apply` refuse another address or port before
 * any write, naming the resource, the field, the old and the new value.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPlan, planDiff } from "../../../lib/handler";
import { endpointChangeRefusal, endpointFromUserData } from "../../../lib/handler/kube/endpoint-guard";
import { nodeUserData } from "../../../lib/render/cloud-init";
import { VIP_CLAIM_KEY } from "../../../lib/handler/vip-claims";
import { CLUSTER, CP_POOL, DEFAULT_POOL, ENDPOINT, SECRETS } from "../../render/fixtures";
import { listVms, makePlan, withTarget } from "../fixtures";

test("endpointFromUserData: the init node's controlPlaneEndpoint, a join's apiServerEndpoint, nothing from other text", () => {
  const at = { ...ENDPOINT, address: "10.20.0.10", port: 8443 };
  const init = nodeUserData({ cluster: CLUSTER, endpoint: at, pool: CP_POOL, vmName: "pcg-host-cp-1", role: "init", secrets: SECRETS });
  const join = nodeUserData({ cluster: CLUSTER, endpoint: at, pool: DEFAULT_POOL, vmName: "pcg-host-md-1", role: "worker-join", secrets: SECRETS });
  assert.equal(endpointFromUserData(init), "10.20.0.10:8443");
  assert.equal(endpointFromUserData(join), "10.20.0.10:8443");
  assert.equal(endpointFromUserData("#cloud-config\nwrite_files: []\n"), undefined);
  assert.equal(endpointFromUserData("not: [yaml"), undefined);
});

const where = { endpointId: "t1/web/endpoint", cluster: "web" };
const rows: Array<{ name: string; desired: { address: string; port: number }; live: Array<{ vm: string; endpoint: string | undefined }>; want: RegExp | undefined }> = [
  { name: "same endpoint: nothing to refuse", desired: { address: "10.20.0.10", port: 6443 }, live: [{ vm: "web-cp-1", endpoint: "10.20.0.10:6443" }], want: undefined },
  { name: "no VM yet (a new cluster): the endpoint is free to choose", desired: { address: "10.20.0.11", port: 6443 }, live: [], want: undefined },
  { name: "VMs whose user data names no endpoint are ignored", desired: { address: "10.20.0.11", port: 6443 }, live: [{ vm: "web-cp-1", endpoint: undefined }], want: undefined },
  {
    name: "address changed",
    desired: { address: "10.20.0.11", port: 6443 },
    live: [{ vm: "web-cp-2", endpoint: "10.20.0.10:6443" }, { vm: "web-cp-1", endpoint: "10.20.0.10:6443" }],
    want: /^t1\/web\/endpoint: address 10\.20\.0\.10 → 10\.20\.0\.11 \(the kubeadm configuration of web-cp-1, web-cp-2 names 10\.20\.0\.10:6443\): cluster web is built with that endpoint, and a control-plane endpoint cannot change once kubeadm init ran/,
  },
  { name: "port changed", desired: { address: "10.20.0.10", port: 8443 }, live: [{ vm: "web-cp-1", endpoint: "10.20.0.10:6443" }], want: /^t1\/web\/endpoint: port 6443 → 8443 \(/ },
  { name: "both changed", desired: { address: "10.20.0.12", port: 8443 }, live: [{ vm: "web-cp-1", endpoint: "10.20.0.10:6443" }], want: /address 10\.20\.0\.10 → 10\.20\.0\.12, port 6443 → 8443/ },
  {
    name: "VMs on two endpoints (a roll interrupted before this guard existed): each is named",
    desired: { address: "10.20.0.11", port: 6443 },
    live: [{ vm: "web-cp-1", endpoint: "10.20.0.10:6443" }, { vm: "web-cp-2", endpoint: "10.20.0.11:6443" }, { vm: "web-cp-3", endpoint: "10.20.0.9:6443" }],
    want: /address 10\.20\.0\.10 → 10\.20\.0\.11 \(the kubeadm configuration of web-cp-1 names 10\.20\.0\.10:6443\); address 10\.20\.0\.9 → 10\.20\.0\.11 \(the kubeadm configuration of web-cp-3 names/,
  },
];
for (const row of rows) {
  test(`endpointChangeRefusal: ${row.name}`, () => {
    const r = endpointChangeRefusal(where, row.desired, row.live);
    if (row.want === undefined) assert.equal(r, undefined);
    else assert.match(r ?? "", row.want);
  });
}

test("a live cluster's VIP changed in the program: plan and apply refuse it, nothing is written", async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }] }), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources, null, 2));
    const claims = async (): Promise<string[]> => {
      const c = h.client();
      try {
        return (await c.listCategoryValues(VIP_CLAIM_KEY)).map((v) => `${v.value}: ${v.description ?? ""}`).sort();
      } finally {
        c.close();
      }
    };
    const state = async (): Promise<string[]> => [...(await listVms(h)).map((v) => `${v.spec.name}@${v.metadata.spec_version}`).sort(), ...(await claims())];
    const before = await state();
    const moved = makePlan({ cpReplicas: 1, workers: [{ name: "md", replicas: 1 }], vip: "10.20.0.11" });
    const expected = /t1\/web\/endpoint: address 10\.20\.0\.10 → 10\.20\.0\.11 \(the kubeadm configuration of web-cp-1 names 10\.20\.0\.10:6443\)/;

    const p = await planDiff({ ...base, plan: moved });
    for (const id of ["t1/web/endpoint", "t1/web/cp", "t1/web/md"]) {
      const d = p.diffs.find((x) => x.id === id)!;
      assert.ok(d.errors.some((e) => expected.test(e)), `${id}: ${JSON.stringify(d.errors)}`);
    }

    const r2 = await applyPlan({ ...base, plan: moved, kubePollMs: 20, nodeReadyTimeoutMs: 300 });
    assert.equal(r2.exitCode, 1);
    assert.match(JSON.stringify(r2.resources), expected);
    assert.equal((await claims()).length, 1, "the old address's claim, and no other");
    assert.deepEqual(await state(), before, "no VM created, updated or deleted, no claim written or released");
  });
});
