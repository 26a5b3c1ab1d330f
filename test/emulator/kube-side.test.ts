/**
 * The emulator's Kubernetes side as Prism Central drives it (lib/emulator/kube-side.ts): a cluster whose
 * every machine is deleted is dropped, so a new `kubeadm init` at the same endpoint is a new cluster with
 * its own CA (the regression: the old API kept answering at the VIP with the old CA); a powered-off
 * machine keeps its cluster.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeSide } from "../../lib/emulator/kube-side";
import { parseSeed, stateFromSeed } from "../../lib/emulator/seed";
import type { EmulatorState, StoredVm } from "../../lib/emulator/state";
import { generateClusterPki } from "../../lib/kube";
import { initUserData } from "./kube/fixtures";

const ENDPOINT = "10.20.0.10:6443";

/** A VM of the state with its cloud-init user data and power state (only what the Kubernetes side reads). */
function putVm(state: EmulatorState, uuid: string, name: string, userData: string, power: "ON" | "OFF"): void {
  const vm: StoredVm = {
    uuid,
    metadata: { spec_version: 0, entity_version: 0, categories: {}, categories_mapping: {}, use_categories_mapping: false, owner_reference: {}, creation_time: "", last_update_time: "" },
    spec: { name, resources: { power_state: power, guest_customization: { cloud_init: { user_data: Buffer.from(userData).toString("base64") } } } },
    nics: {},
    createTask: `task-${uuid}`,
    taskUuids: [],
  };
  state.vms[uuid] = vm;
}

test("a cluster whose machines are all deleted is dropped; a new kubeadm init at the same endpoint is a new cluster; power-off keeps it", async () => {
  const state = stateFromSeed(parseSeed({ prismCentral: { name: "pc" }, clusters: [{ name: "PE-1" }] }));
  const side = new KubeSide();
  try {
    const [pkiA, pkiB] = await Promise.all([generateClusterPki({ keyAlgorithm: "ECDSA-P256" }), generateClusterPki({ keyAlgorithm: "ECDSA-P256" })]);
    putVm(state, "vm-a", "web-cp-1", initUserData(pkiA, { hostname: "web-cp-1", controlPlaneEndpoint: ENDPOINT }), "ON");
    side.sync(state, Date.now(), () => true);
    const a = await side.info(ENDPOINT);
    assert.equal(a?.caPem, pkiA.ca.certPem, "the first cluster answers with its CA");

    // Powered off: its disks (and etcd data) stay, so does the cluster.
    (state.vms["vm-a"]!.spec.resources as { power_state: string }).power_state = "OFF";
    side.sync(state, Date.now(), () => true);
    assert.equal((await side.info(ENDPOINT))?.caPem, pkiA.ca.certPem, "a powered-off machine keeps its cluster");

    // Deleted: the cluster is gone; nothing answers at the endpoint until a new init node boots.
    delete state.vms["vm-a"];
    side.sync(state, Date.now(), () => true);
    assert.equal(await side.info(ENDPOINT), undefined, "no cluster at the endpoint once its machines are deleted");

    putVm(state, "vm-b", "db-cp-1", initUserData(pkiB, { hostname: "db-cp-1", controlPlaneEndpoint: ENDPOINT }), "ON");
    side.sync(state, Date.now(), () => true);
    const b = await side.info(ENDPOINT);
    assert.equal(b?.caPem, pkiB.ca.certPem, "the new cluster answers with its own CA");
    assert.notEqual(b?.port, undefined);
    assert.deepEqual(b?.joins.map((j) => [j.vmName, j.joined]), [["db-cp-1", true]], "only the new cluster's machine");
  } finally {
    await side.stop();
  }
});

test("user data is read ahead while a create runs; a VM whose user data changed before it booted boots what it holds then", async () => {
  const state = stateFromSeed(parseSeed({ prismCentral: { name: "pc" }, clusters: [{ name: "PE-1" }] }));
  const side = new KubeSide();
  try {
    const [pkiA, pkiB] = await Promise.all([generateClusterPki({ keyAlgorithm: "ECDSA-P256" }), generateClusterPki({ keyAlgorithm: "ECDSA-P256" })]);
    putVm(state, "vm-a", "web-cp-1", initUserData(pkiA, { hostname: "web-cp-1", controlPlaneEndpoint: ENDPOINT }), "ON");
    putVm(state, "vm-b", "db-cp-1", initUserData(pkiA, { hostname: "db-cp-1", controlPlaneEndpoint: "10.30.0.10:6443" }), "ON");
    let created = false;
    side.sync(state, Date.now(), () => created); // both creates running: their user data is queued
    assert.equal(await side.info(ENDPOINT), undefined, "nothing booted while the creates run");
    // vm-b's user data is replaced before it boots (an update while its create ran).
    putVm(state, "vm-b", "db-cp-1", initUserData(pkiB, { hostname: "db-cp-1", controlPlaneEndpoint: "10.30.0.10:6443" }), "ON");
    await new Promise((r) => setTimeout(r, 400)); // the quiet period passes: read ahead
    created = true;
    side.sync(state, Date.now(), () => created);
    assert.equal((await side.info(ENDPOINT))?.caPem, pkiA.ca.certPem, "vm-a booted from its read-ahead user data");
    assert.equal((await side.info("10.30.0.10:6443"))?.caPem, pkiB.ca.certPem, "vm-b booted from the user data it holds at boot, not the one read ahead");
  } finally {
    await side.stop();
  }
});
