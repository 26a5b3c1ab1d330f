/**
 * controlPlaneCreateRole from a table (issue 14, item 5): the init ordinal runs kubeadm init only in a cluster
 * that was never initialised, joins an initialised one, and is refused when that is unknown.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { controlPlaneCreateRole, type ClusterInitialised, type CreateRole } from "../../../lib/kube/decide/init-role";

const YES: ClusterInitialised = { known: true, initialised: true, evidence: "kube-system/kubeadm-config exists" };
const NO: ClusterInitialised = { known: true, initialised: false, evidence: "no kube-system/kubeadm-config" };
const UNKNOWN: ClusterInitialised = { known: false, reason: "connect ECONNREFUSED 10.20.0.10:6443" };

const rows: Array<{ name: string; ordinal: number; existing: string[]; initialised: ClusterInitialised; want: CreateRole["kind"]; reason: RegExp }> = [
  { name: "a new cluster: ordinal 1 inits without asking the API", ordinal: 1, existing: [], initialised: UNKNOWN, want: "init", reason: /no control-plane VM: web-cp-1 runs kubeadm init/ },
  { name: "a new cluster, initialisation observed anyway", ordinal: 1, existing: [], initialised: YES, want: "init", reason: /runs kubeadm init/ },
  { name: "ordinal 1 missing in an initialised cluster joins", ordinal: 1, existing: ["web-cp-2", "web-cp-3"], initialised: YES, want: "join", reason: /is initialised \(kube-system\/kubeadm-config exists\): web-cp-1 joins/ },
  { name: "ordinal 1 missing in a never-initialised cluster inits", ordinal: 1, existing: ["web-cp-2"], initialised: NO, want: "init", reason: /was never initialised \(no kube-system\/kubeadm-config\): web-cp-1 runs kubeadm init/ },
  { name: "ordinal 1 missing, unknown: refused", ordinal: 1, existing: ["web-cp-2", "web-cp-3"], initialised: UNKNOWN, want: "refuse", reason: /cannot create web-cp-1: cluster web has control-plane VMs \(web-cp-2, web-cp-3\) and whether it was ever initialised is unknown \(connect ECONNREFUSED 10\.20\.0\.10:6443\)/ },
  { name: "replacing ordinal 1 (its old VM exists), unknown: refused", ordinal: 1, existing: ["web-cp-1"], initialised: UNKNOWN, want: "refuse", reason: /delete those VMs so web-cp-1 is created as the kubeadm init node/ },
  { name: "other ordinals always join", ordinal: 2, existing: [], initialised: UNKNOWN, want: "join", reason: /only ordinal 1 runs kubeadm init/ },
  { name: "other ordinals join even in a never-initialised cluster (ordinal 1 goes first)", ordinal: 3, existing: ["web-cp-2"], initialised: NO, want: "join", reason: /web-cp-1 joins|only ordinal 1/ },
];

for (const row of rows) {
  test(`controlPlaneCreateRole: ${row.name}`, () => {
    const name = `web-cp-${row.ordinal}`;
    const r = controlPlaneCreateRole({ cluster: "web", name, ordinal: row.ordinal, existing: row.existing, initialised: row.initialised });
    assert.equal(r.kind, row.want);
    assert.match(r.reason, row.ordinal === 1 ? row.reason : new RegExp(`only ordinal 1 runs kubeadm init; ${name} joins`));
    assert.deepEqual(controlPlaneCreateRole({ cluster: "web", name, ordinal: row.ordinal, existing: row.existing, initialised: row.initialised }), r, "pure");
  });
}
