/**
 * The pieces together, as the handler will use them: observe the emulated cluster through the Kubernetes
 * API and etcd clients, ask the KCP-like decision for one step, act, repeat. A fresh bootstrap token is
 * created through the API for every join; a node that never turns Ready stops the roll with nothing old
 * deleted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  EtcdClient,
  NodeReadyTimeoutError,
  bootstrapTokenSecret,
  decideControlPlane,
  generateBootstrapToken,
  isNodeReady,
  issueEtcdClientCertificate,
  waitForNodeReady,
  type ObservedControlPlaneMachine,
  type Step,
} from "../../lib/kube";
import { joinUserData, startCluster, type TestCluster } from "../emulator/kube/fixtures";

interface Vm {
  name: string;
  specHash: string;
  kubernetesVersion: string;
  role: "init" | "join";
  deleting: boolean;
}

async function reconcile(c: TestCluster, vms: Vm[], want: { replicas: number; specHash: string; kubernetesVersion: string }, nodeReadyTimeoutMs: number) {
  const k = c.client();
  const cred = await issueEtcdClientCertificate(c.pki.etcdCa, { validityMs: 600_000 });
  const etcd = new EtcdClient({ endpoints: [{ host: "127.0.0.1", port: c.api.port, caPem: c.pki.ca.certPem, certPem: cred.certPem, keyPem: cred.keyPem }] });
  const steps: Step[] = [];
  const tokens: string[] = [];
  let next = vms.length;
  let maxInFlight = 0;
  try {
    for (let i = 0; i < 40; i++) {
      const nodes = new Map((await k.listNodes()).map((n) => [n.metadata.name, n]));
      const members = await etcd.memberList();
      const cfg = await k.getKubeadmConfig();
      const machines: ObservedControlPlaneMachine[] = vms.map((vm) => {
        const n = nodes.get(vm.name);
        return {
          name: vm.name,
          vm: "running",
          specHash: vm.specHash,
          kubernetesVersion: vm.kubernetesVersion,
          node: n ? (isNodeReady(n) ? "ready" : "not-ready") : "absent",
          deleting: vm.deleting,
          role: vm.role,
          etcdMember: members.some((m) => m.name === vm.name),
        };
      });
      maxInFlight = Math.max(maxInFlight, machines.filter((m) => m.node !== "ready" && !m.deleting).length);
      const step = decideControlPlane({ machines, api: { reachable: true }, etcd: { reachable: true }, ...(cfg?.kubernetesVersion ? { kubeadmConfigVersion: cfg.kubernetesVersion } : {}) }, want);
      steps.push(step);
      switch (step.kind) {
        case "done":
        case "refuse":
          return { steps, tokens, maxInFlight };
        case "create": {
          const tok = generateBootstrapToken();
          await k.createBootstrapTokenSecret(bootstrapTokenSecret(tok, { ttlMs: 15 * 60_000 }));
          tokens.push(tok.token);
          const name = `cp-${next++}`;
          vms.push({ name, specHash: want.specHash, kubernetesVersion: want.kubernetesVersion, role: "join", deleting: false });
          const r = c.model.vmPoweredOn({ vmName: name, userData: joinUserData({ hostname: name, token: tok.token, caPem: c.pki.ca.certPem, controlPlane: c.pki, kubernetesVersion: want.kubernetesVersion }) });
          assert.equal(r.joined, true, JSON.stringify(r));
          break;
        }
        case "wait":
          try {
            await waitForNodeReady(k, step.machine!, { timeoutMs: nodeReadyTimeoutMs, pollMs: 20 });
          } catch (e) {
            if (e instanceof NodeReadyTimeoutError) return { steps, tokens, maxInFlight, timedOut: e };
            throw e;
          }
          break;
        case "mark-deleting":
          vms.find((v) => v.name === step.machine)!.deleting = true;
          break;
        case "remove-etcd-member":
          await etcd.memberRemove(members.find((m) => m.name === step.machine)!.ID);
          break;
        case "delete-node":
          await k.deleteNode(step.machine);
          break;
        case "delete-vm":
          c.model.vmRemoved(step.machine);
          vms.splice(vms.findIndex((v) => v.name === step.machine), 1);
          break;
        case "update-kubeadm-config":
          await k.setKubernetesVersion(step.kubernetesVersion);
          break;
        default:
          throw new Error(`unexpected ${step.kind}`);
      }
    }
    throw new Error("no convergence");
  } finally {
    etcd.close();
  }
}

test("lifecycle: a 1-node control plane upgraded one minor is replaced through a second member; fresh token per join; quorum kept", async () => {
  const c = await startCluster({ nodeReadyMs: 30, kubernetesVersion: "v1.29.6" });
  try {
    const vms: Vm[] = [{ name: "cp-0", specHash: "a", kubernetesVersion: "v1.29.6", role: "init", deleting: false }];
    await waitForNodeReady(c.client(), "cp-0", { timeoutMs: 3000, pollMs: 10 });
    const r = await reconcile(c, vms, { replicas: 1, specHash: "b", kubernetesVersion: "v1.30.2" }, 3000);
    assert.equal(r.steps.at(-1)!.kind, "done", JSON.stringify(r.steps));
    assert.deepEqual(
      r.steps.map((s) => s.kind),
      ["update-kubeadm-config", "create", "wait", "mark-deleting", "remove-etcd-member", "delete-node", "delete-vm", "done"],
    );
    assert.deepEqual(vms.map((v) => v.name), ["cp-1"]);
    assert.deepEqual(c.model.etcdMembers().map((m) => m.name), ["cp-1"]);
    assert.deepEqual(c.model.listNodes().map((n) => n.metadata.name), ["cp-1"]);
    assert.equal((await c.client().getKubeadmConfig())!.kubernetesVersion, "v1.30.2");
    assert.equal(r.maxInFlight, 1);
  } finally {
    await c.stop();
  }
});

test("lifecycle: with nodes that never turn Ready, a 3-node roll has one replacement in flight and deletes nothing old", async () => {
  const c = await startCluster({ nodeReadyMs: 0 });
  try {
    const vms: Vm[] = [{ name: "cp-0", specHash: "a", kubernetesVersion: "v1.30.2", role: "init", deleting: false }];
    const built = await reconcile(c, vms, { replicas: 3, specHash: "a", kubernetesVersion: "v1.30.2" }, 3000);
    assert.equal(built.steps.at(-1)!.kind, "done");
    assert.equal(new Set(built.tokens).size, 2, "each join got its own token");
    c.model.nodesNeverReady = true;
    const rolled = await reconcile(c, vms, { replicas: 3, specHash: "b", kubernetesVersion: "v1.30.2" }, 150);
    assert.ok(rolled.timedOut, "the wait for the surged machine timed out");
    assert.match(rolled.timedOut.message, /node cp-3 not Ready/);
    assert.deepEqual(rolled.steps.map((s) => s.kind), ["create", "wait"]);
    assert.deepEqual(vms.map((v) => v.name), ["cp-0", "cp-1", "cp-2", "cp-3"], "no old machine deleted");
    assert.deepEqual(c.model.etcdMembers().map((m) => m.name).sort(), ["cp-0", "cp-1", "cp-2", "cp-3"]);
    assert.ok(!built.tokens.includes(rolled.tokens[0]!), "a later apply does not reuse an earlier token");
  } finally {
    await c.stop();
  }
});
