/**
 * Issue 14's bootstrap done-when lines, checked on the user data of VMs the handler created against the
 * emulator (the render-level tests are in test/render/bootstrap-defaults.test.ts): no `vip_interface` unless
 * set; a cluster named `on` and a taint value `yes` read back as strings by a YAML 1.1 reader (kubeadm's
 * sigs.k8s.io/yaml over go-yaml v2, cloud-init's PyYAML); a port-8443 endpoint is the API server's bind port on
 * every control-plane node and the port the emulated cluster API is known by.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "cdktf";
import { parse } from "yaml";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount } from "../../../lib";
import { applyPlan } from "../../../lib/handler";
import { collectPlan } from "../../../lib/stack/collect";
import type { Plan } from "../../../lib/schema/plan";
import type { VmEntity } from "../../../lib/prism/types";
import { listVms, withTarget } from "../fixtures";

const MACHINE = { vcpuSockets: 2, vcpusPerSocket: 1, memoryGiB: 4, systemDiskGiB: 40, image: "ubuntu-2204-kube-v1.30.5", cluster: "PE-1", subnets: ["vm-net-20"] };

function program(): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, "t-on");
  const pc = new PrismCentralAccount(stack, "pc", { endpoint: "https://pc.dc1.example.com:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  new NutanixCluster(stack, "on", {
    account: pc, name: "on", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10", port: 8443 },
    controlPlane: { replicas: 3, machine: MACHINE },
    workers: [{ name: "gpu", replicas: 1, machine: MACHINE, taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] }],
    nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] },
  });
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, [], "the program is valid");
  return plan;
}

const userData = (vm: VmEntity): string => Buffer.from(vm.spec.resources.guest_customization!.cloud_init!.user_data!, "base64").toString("utf8");
/** Read as a YAML 1.1 reader does. */
const read11 = (text: string): unknown => parse(text, { version: "1.1" });
const files = (ud: string): Map<string, string> =>
  new Map(((read11(ud) as { write_files?: Array<{ path: string; content: string }> }).write_files ?? []).map((f) => [f.path, f.content]));
const kubeadmDocs = (ud: string): Array<Record<string, unknown>> => {
  const f = files(ud);
  const text = f.get("/run/kubeadm/kubeadm.yaml") ?? f.get("/run/kubeadm/kubeadm-join-config.yaml") ?? "";
  return text.split(/^---$/m).map((d) => read11(d) as Record<string, unknown>).filter(Boolean);
};

test("created VMs: no vip_interface, `on` and `yes` stay strings under YAML 1.1, the API server binds 8443", { timeout: 120_000 }, async () => {
  await withTarget({}, async ({ h, base }) => {
    const r = await applyPlan({ ...base, plan: program(), kubePollMs: 20 });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok"), null, 2));
    const vms = (await listVms(h)).filter((v) => v.metadata.categories?.NpcStack === "t-on");
    assert.equal(vms.length, 4);
    for (const vm of vms) {
      const ud = userData(vm);
      assert.ok(!/vip_interface/.test(ud), `${vm.spec.name}: no vip_interface unless set`);
      const docs = kubeadmDocs(ud);
      assert.ok(docs.length > 0, `${vm.spec.name}: has a kubeadm configuration`);
      const isCp = vm.metadata.categories?.NpcPool === "cp";
      const init = docs.find((d) => d.kind === "InitConfiguration") as { localAPIEndpoint?: { bindPort?: unknown } } | undefined;
      const join = docs.find((d) => d.kind === "JoinConfiguration") as { controlPlane?: { localAPIEndpoint?: { bindPort?: unknown } }; nodeRegistration?: { taints?: Array<{ value?: unknown }> } } | undefined;
      if (init) {
        assert.equal(init.localAPIEndpoint?.bindPort, 8443, `${vm.spec.name}: init binds 8443`);
        const cc = docs.find((d) => d.kind === "ClusterConfiguration") as { clusterName?: unknown; controlPlaneEndpoint?: unknown };
        assert.equal(cc.clusterName, "on", `${vm.spec.name}: clusterName is the string "on"`);
        assert.equal(cc.controlPlaneEndpoint, "10.20.0.10:8443");
      } else if (isCp) {
        assert.equal(join?.controlPlane?.localAPIEndpoint?.bindPort, 8443, `${vm.spec.name}: control-plane join binds 8443`);
      } else {
        assert.deepEqual(join?.nodeRegistration?.taints?.map((t) => t.value), ["yes"], `${vm.spec.name}: the taint value is the string "yes"`);
      }
    }
    assert.equal(vms.filter((v) => kubeadmDocs(userData(v)).some((d) => d.kind === "InitConfiguration")).length, 1, "one kubeadm init node");
    assert.ok(await h.emu.kube.info("10.20.0.10:8443"), "the emulated cluster API is known at the endpoint port 8443");
  });
});
