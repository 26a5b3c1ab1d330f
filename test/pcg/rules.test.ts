import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  PCG_SUPPORTED_KUBERNETES,
  ipPoolSize,
  isPcgSupportedKubernetes,
  pcgRules,
  recommendedNoProxy,
  requiredNoProxy,
} from "../../lib/pcg";
import type { ValidationIssue } from "../../lib/schema/validation";
import { ACCOUNT_ID, CP_ID, HOST_ID, PCG_ID, PCG_MACHINE, PCG_WORKER, PROXY, REQUIRED_NO_PROXY, WORKER_ID, pcgPlan, type Variant } from "./fixtures";

const rules = (v: Variant = {}, knownFreeIps?: number) => pcgRules(pcgPlan(v), PCG_ID, knownFreeIps);
const one = (issues: ValidationIssue[], path: string, field: string): ValidationIssue => {
  const found = issues.filter((i) => i.path === path && i.field === field);
  assert.equal(found.length, 1, `expected one issue on ${path} ${field}, got ${JSON.stringify(issues, null, 2)}`);
  return found[0]!;
};
const withProxy = (noProxy: string[], extra: Partial<typeof PROXY> = {}): Variant => ({ pcg: { proxy: { ...PROXY, ...extra, noProxy } } });

describe("pcgRules: the plan and its references", () => {
  it("passes the base plan: 3 + 2 nodes at exactly the minimum, a 100-address pool, Kubernetes 1.30", () => {
    assert.deepEqual(rules(), []);
  });

  it("reports an id that is not a PrivateCloudGateway", () => {
    assert.deepEqual(pcgRules(pcgPlan(), "dc1/nope"), [{ path: "dc1/nope", field: "", message: "expected the id of a PrivateCloudGateway in this plan, got no resource with that id" }]);
    assert.match(one(pcgRules(pcgPlan(), HOST_ID), HOST_ID, "").message, /got a NutanixCluster/);
  });

  it("reports a host cluster or an account that is not in the plan", () => {
    assert.match(one(rules({ pcg: { hostCluster: "dc1/gone" } }), PCG_ID, "hostCluster").message, /expected the id of a NutanixCluster in this plan, got "dc1\/gone"/);
    assert.match(one(rules({ pcg: { account: "dc1/gone" } }), PCG_ID, "account").message, /expected the id of a PrismCentralAccount in this plan, got "dc1\/gone"/);
  });

  it("requires the gateway's account to be the host cluster's", () => {
    const other = { id: "dc1/pc2", kind: "PrismCentralAccount" as const, dependsOn: [], spec: { endpoint: { host: "pc2.example.com", port: 9440 }, credentials: { source: "env" as const, usernameEnv: "U", passwordEnv: "P" }, insecure: false } };
    const issue = one(rules({ pcg: { account: "dc1/pc2" }, extra: [other] }), PCG_ID, "account");
    assert.equal(issue.message, `expected the host cluster's account ${ACCOUNT_ID}, got dc1/pc2: a gateway serves the Prism Central its host cluster runs in`);
  });
});

describe("pcgRules: node sizing", () => {
  it("accepts 4 vCPUs as 4 × 1 or 1 × 4 and rejects 3", () => {
    assert.deepEqual(rules({ workerMachine: { vcpuSockets: 4, vcpusPerSocket: 1 } }), []);
    assert.deepEqual(rules({ cpMachine: { vcpuSockets: 1, vcpusPerSocket: 4 } }), []);
    const issue = one(rules({ workerMachine: { vcpuSockets: 3, vcpusPerSocket: 1 } }), WORKER_ID, "machine");
    assert.match(issue.message, /^expected ≥ 4 vCPUs \(vcpuSockets × vcpusPerSocket\) on every node of a Private Cloud Gateway host cluster \(gateway 'dc1-pcg', Palette minimum\), got 3 \(3 × 1\)$/);
  });

  it("rejects memory below 4096 MiB on any pool", () => {
    const issue = one(rules({ cpMachine: { memoryMiB: 4095 } }), CP_ID, "machine.memoryMiB");
    assert.match(issue.message, /expected ≥ 4096 MiB of memory .* got 4095 MiB$/);
  });

  it("rejects a system disk below 60 GiB", () => {
    assert.deepEqual(rules({ workerMachine: { systemDiskMiB: 60 * 1024 } }), []);
    const issue = one(rules({ workerMachine: { systemDiskMiB: 59 * 1024 + 512 } }), WORKER_ID, "machine.systemDiskMiB");
    assert.match(issue.message, /expected a system disk ≥ 60 GiB .* got 59.5 GiB$/);
  });

  it("checks pools that point at the host cluster even if the cluster does not list them", () => {
    const extra = { id: "dc1/pcg-host/small", kind: "NodePool" as const, dependsOn: [ACCOUNT_ID], spec: { ...PCG_WORKER, name: "small", machine: { ...PCG_MACHINE, memoryMiB: 2048 } } };
    one(pcgRules(pcgPlan({ extra: [extra] }), PCG_ID), "dc1/pcg-host/small", "machine.memoryMiB");
  });
});

describe("pcgRules: node counts", () => {
  it("requires at least one control-plane node", () => {
    assert.deepEqual(rules({ cp: { replicas: 1 } }), []);
    assert.match(one(rules({ cp: { replicas: 0 } }), HOST_ID, "controlPlane").message, /expected ≥ 1 control-plane node .* got 0$/);
  });

  it("requires at least one worker node", () => {
    assert.deepEqual(rules({ worker: { replicas: 1 } }), []);
    assert.match(one(rules({ worker: null }), HOST_ID, "workers").message, /expected ≥ 1 worker node .* got 0$/);
    assert.match(one(rules({ worker: { replicas: 0 } }), HOST_ID, "workers").message, /got 0$/);
  });

  it("counts the autoscaling floor: a pool that may scale to 0 workers fails", () => {
    assert.deepEqual(rules({ worker: { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } } }), []);
    const issue = one(rules({ worker: { replicas: 2, autoscaling: { minReplicas: 0, maxReplicas: 3 } } }), HOST_ID, "workers");
    assert.match(issue.message, /got 0 \(2 now, but autoscaling may go down to 0\)$/);
  });
});

describe("pcgRules: IP addresses", () => {
  const pool = (start: string, end: string): Variant => ({ host: { nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start, end }] } } });

  it("needs nodes + 1 for repave from the pool (the VIP is the +1 outside it)", () => {
    assert.deepEqual(rules(pool("10.20.0.100", "10.20.0.105")), []); // 6 = 5 nodes + 1
    const issue = one(rules(pool("10.20.0.100", "10.20.0.104")), HOST_ID, "nodeNetwork.ipPool");
    assert.equal(
      issue.message,
      "expected ≥ 6 free addresses in the node subnet's IPAM pool for Private Cloud Gateway 'dc1-pcg' (Palette: 1 per node + 1 for repave + 1 VIP = 5 + 1 from the pool; the VIP 10.20.0.10 is the +1 that lives outside the pool), got 5 free per the plan: 10.20.0.100–10.20.0.104",
    );
  });

  it("counts the autoscaling ceiling", () => {
    const v = { ...pool("10.20.0.100", "10.20.0.105"), worker: { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 4 } } };
    assert.match(one(rules(v), HOST_ID, "nodeNetwork.ipPool").message, /expected ≥ 8 free addresses .* = 7 \+ 1 from the pool/);
  });

  it("does not count the gateway or the VIP inside the pool as free", () => {
    assert.match(one(rules(pool("10.20.0.1", "10.20.0.6")), HOST_ID, "nodeNetwork.ipPool").message, /got 5 free/);
    assert.match(one(rules({ ...pool("10.20.0.10", "10.20.0.15") }), HOST_ID, "nodeNetwork.ipPool").message, /got 5 free/);
  });

  it("uses knownFreeIps over the plan's ranges, and checks it even without a pool in the plan", () => {
    assert.match(one(rules({}, 5), HOST_ID, "nodeNetwork.ipPool").message, /got 5 free as Prism Central reports it$/);
    assert.deepEqual(rules(pool("10.20.0.100", "10.20.0.101"), 6), []);
    assert.deepEqual(rules({ host: { nodeNetwork: undefined } }), []);
    one(rules({ host: { nodeNetwork: undefined } }, 0), HOST_ID, "nodeNetwork.ipPool");
    assert.throws(() => rules({}, -1), RangeError);
    assert.throws(() => rules({}, 1.5), RangeError);
  });

  it("skips the check when the plan states no pool", () => {
    assert.deepEqual(rules({ host: { nodeNetwork: { cidr: "10.20.0.0/24", ipPool: [] } } }), []);
  });

  it("ipPoolSize merges overlapping ranges and leaves out network, broadcast, gateway and reserved addresses", () => {
    const net = { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.0", end: "10.20.0.9" }, { start: "10.20.0.5", end: "10.20.0.14" }, { start: "10.20.0.250", end: "10.20.0.255" }] };
    // 1..14 (14) without the gateway = 13; 250..254 = 5; the VIP 10.20.0.10 reserved = 17.
    assert.equal(ipPoolSize(net), 18);
    assert.equal(ipPoolSize(net, ["10.20.0.10"]), 17);
    assert.equal(ipPoolSize(net, ["10.20.0.200"]), 18);
  });
});

describe("pcgRules: Kubernetes versions", () => {
  it("exports the supported range, 1.28–1.33", () => {
    assert.deepEqual({ ...PCG_SUPPORTED_KUBERNETES }, { min: "1.28", max: "1.33" });
    assert.ok(Object.isFrozen(PCG_SUPPORTED_KUBERNETES));
    for (const v of ["1.28.0", "v1.30.5", "1.33.9"]) assert.ok(isPcgSupportedKubernetes(v), v);
    for (const v of ["1.27.16", "1.34.0", "2.30.0"]) assert.ok(!isPcgSupportedKubernetes(v), v);
  });

  it("accepts the range ends and rejects versions outside it, on the cluster and on a differing pool", () => {
    assert.deepEqual(rules({ host: { kubernetesVersion: "1.28.0" } }), []);
    assert.deepEqual(rules({ host: { kubernetesVersion: "1.33.1" } }), []);
    assert.match(one(rules({ host: { kubernetesVersion: "1.27.9" } }), HOST_ID, "kubernetesVersion").message, /expected a Kubernetes version in 1\.28–1\.33 .* got 1\.27\.9$/);
    one(rules({ host: { kubernetesVersion: "1.34.0" } }), HOST_ID, "kubernetesVersion");
    one(rules({ worker: { kubernetesVersion: "1.27.3" } }), WORKER_ID, "kubernetesVersion");
  });
});

describe("pcgRules: proxy and noProxy", () => {
  it("passes with the required list, and with no proxy at all", () => {
    assert.deepEqual(rules(withProxy(REQUIRED_NO_PROXY)), []);
    assert.deepEqual(rules({ pcg: { proxy: undefined } }), []);
  });

  it("reports each missing item with the exact entry to add", () => {
    const issues = rules(withProxy([]));
    assert.deepEqual(issues.map((i) => [i.path, i.field]), Array(4).fill([PCG_ID, "proxy.noProxy"]));
    assert.deepEqual(issues.map((i) => /add ("[^"]+")$/.exec(i.message)![1]), REQUIRED_NO_PROXY.map((s) => JSON.stringify(s)));
    assert.equal(issues[0]!.message, 'expected noProxy to cover the Prism Central address pc.dc1.example.com (exactly, or by a domain suffix such as .example.com) so that traffic does not go through the proxy: add "pc.dc1.example.com"');
    assert.match(issues[1]!.message, /the host cluster's kube-vip address 10\.20\.0\.10 \(exactly, or by a CIDR that contains it\)/);
    for (const [i, item] of REQUIRED_NO_PROXY.entries()) {
      const rest = REQUIRED_NO_PROXY.filter((x) => x !== item);
      const left = rules(withProxy(rest));
      assert.equal(left.length, 1, item);
      assert.match(left[0]!.message, new RegExp(`add "${item.replace(/\./g, "\\.")}"$`), `${i}`);
    }
  });

  it("accepts covering CIDRs for the VIP and the pod and service CIDRs", () => {
    assert.deepEqual(rules(withProxy(["pc.dc1.example.com", "10.20.0.0/24", "172.16.0.0/12"])), []);
    assert.deepEqual(rules(withProxy(["pc.dc1.example.com", "10.0.0.0/8", "172.20.0.0/16", "172.19.0.0/16"])), []);
    // A CIDR narrower than the pod network does not cover it; an unrelated one does not cover the VIP.
    const issues = rules(withProxy(["pc.dc1.example.com", "10.30.0.0/16", "172.20.0.0/17", "172.19.0.0/16"]));
    assert.deepEqual(issues.map((i) => /add ("[^"]+")$/.exec(i.message)![1]), ['"10.20.0.10"', '"172.20.0.0/16"']);
  });

  it("accepts the Prism Central host by domain suffix (.example.com, *.example.com, example.com as Go does), case-insensitively", () => {
    for (const d of [".example.com", "*.example.com", "example.com", ".DC1.Example.com", "pc.dc1.example.com:9440", "*"]) {
      assert.deepEqual(rules(withProxy([d, "10.20.0.10", "172.20.0.0/16", "172.19.0.0/16"])), [], d);
    }
    for (const d of ["dc1.example.org", ".pc.dc1.example.com", "pc.dc1.example.com:443", "ample.com"]) {
      assert.equal(rules(withProxy([d, "10.20.0.10", "172.20.0.0/16", "172.19.0.0/16"])).length, 1, d);
    }
  });

  it("accepts a Prism Central IP exactly or by CIDR, never by a domain", () => {
    const v = (entries: string[]): Variant => ({ account: { endpoint: { host: "10.0.0.5", port: 9440 } }, ...withProxy([...entries, "10.20.0.10", "172.20.0.0/16", "172.19.0.0/16"]) });
    assert.deepEqual(rules(v(["10.0.0.5"])), []);
    assert.deepEqual(rules(v(["10.0.0.0/24"])), []);
    assert.match(one(rules(v([".0.0.5"])), PCG_ID, "proxy.noProxy").message, /add "10\.0\.0\.5"$/);
  });

  it("reports malformed entries by index", () => {
    const issues = rules(withProxy([...REQUIRED_NO_PROXY, "a.example.com,b.example.com", "10.0.0.0/33"]));
    assert.match(one(issues, PCG_ID, "proxy.noProxy[4]").message, /one host, domain or CIDR per entry/);
    assert.match(one(issues, PCG_ID, "proxy.noProxy[5]").message, /expected an IPv4 CIDR/);
  });

  it("requires a proxy URL when proxy settings are given, and no credentials in it", () => {
    assert.match(one(rules({ pcg: { proxy: { noProxy: [] } } }), PCG_ID, "proxy").message, /expected httpProxy or httpsProxy/);
    const issues = rules(withProxy(REQUIRED_NO_PROXY, { httpsProxy: "http://user:s3cret@proxy.dc1.example.com:3128" }));
    const issue = one(issues, PCG_ID, "proxy.httpsProxy");
    assert.doesNotMatch(issue.message, /s3cret/);
  });

  it("requiredNoProxy gives exactly what the rules want; recommendedNoProxy adds the node subnet, loopback and in-cluster names", () => {
    assert.deepEqual(requiredNoProxy(pcgPlan(), PCG_ID), REQUIRED_NO_PROXY);
    assert.deepEqual(rules(withProxy(requiredNoProxy(pcgPlan(), PCG_ID))), []);
    assert.deepEqual(recommendedNoProxy(pcgPlan(), PCG_ID), [...REQUIRED_NO_PROXY, "10.20.0.0/24", "localhost", "127.0.0.1", ".svc", ".cluster.local"]);
    assert.deepEqual(rules(withProxy(recommendedNoProxy(pcgPlan(), PCG_ID))), []);
    assert.deepEqual(requiredNoProxy(pcgPlan(), "dc1/nope"), []);
  });
});
