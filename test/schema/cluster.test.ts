import { test } from "node:test";
import assert from "node:assert/strict";
import { checkVipInNodeNetwork, NutanixClusterPropsSchema } from "../../lib/schema/cluster";
import { expectSchemaCases } from "./table";

const machine = { image: "img", cluster: "PE-1", subnets: ["net"] };
const base = { name: "c1", kubernetesVersion: "v1.30.5", endpoint: { address: "10.20.0.10" }, controlPlane: { machine } };
const net = { cidr: "10.20.0.0/24", gateway: "10.20.0.1", ipPool: [{ start: "10.20.0.100", end: "10.20.0.199" }] };

expectSchemaCases("NutanixClusterPropsSchema", NutanixClusterPropsSchema, [
  { name: "the minimum (defaults)", input: base },
  { name: "a known node network", input: { ...base, nodeNetwork: net } },
], [
  { name: "pod and service CIDRs that overlap", input: { ...base, podCidr: "10.96.0.0/12", serviceCidr: "10.96.0.0/16" }, message: /not to overlap the pod CIDR/, field: "serviceCidr" },
  { name: "a pod CIDR holding the VIP", input: { ...base, podCidr: "10.0.0.0/8" }, message: /not to contain the kube-vip address/, field: "podCidr" },
  { name: "a pod CIDR over the node subnet", input: { ...base, podCidr: "10.20.0.0/16", endpoint: { address: "192.168.0.10" }, nodeNetwork: { cidr: "10.20.0.0/24" } }, message: /not to overlap the node subnet/, field: "podCidr" },
  { name: "a VIP outside the node subnet", input: { ...base, endpoint: { address: "10.30.0.10" }, nodeNetwork: net }, message: /inside the node subnet/, field: "endpoint.address" },
  { name: "a VIP equal to the gateway", input: { ...base, endpoint: { address: "10.20.0.1" }, nodeNetwork: net }, message: /not to be the subnet gateway/, field: "endpoint.address" },
  { name: "a VIP at the IPAM pool start", input: { ...base, endpoint: { address: "10.20.0.100" }, nodeNetwork: net }, message: /outside the IPAM pool/, field: "endpoint.address" },
  { name: "a gateway outside the subnet", input: { ...base, nodeNetwork: { cidr: "10.20.0.0/24", gateway: "10.21.0.1" } }, message: /gateway 10\.21\.0\.1 inside/, field: "nodeNetwork.gateway" },
  { name: "a descending IPAM range", input: { ...base, nodeNetwork: { cidr: "10.20.0.0/24", ipPool: [{ start: "10.20.0.9", end: "10.20.0.2" }] } }, message: /ascending range/, field: "nodeNetwork.ipPool[0]" },
  { name: "a worker pool named cp", input: { ...base, workers: [{ name: "cp", replicas: 1, machine }] }, message: /other than cp or endpoint/, field: "workers[0].name" },
  { name: "two worker pools with one name", input: { ...base, workers: [{ name: "w", replicas: 1, machine }, { name: "w", replicas: 1, machine }] }, message: /unique worker pool names/, field: "workers[1].name" },
  { name: "4 control-plane replicas", input: { ...base, controlPlane: { replicas: 4, machine } }, message: /1, 3 or 5/, field: "controlPlane.replicas" },
  { name: "an upper-case name", input: { ...base, name: "C1" }, message: /RFC 1123/, field: "name" },
]);

test("checkVipInNodeNetwork: network and broadcast addresses", () => {
  assert.match(checkVipInNodeNetwork("10.20.0.0", { cidr: "10.20.0.0/24" })[0]!, /network or broadcast/);
  assert.match(checkVipInNodeNetwork("10.20.0.255", { cidr: "10.20.0.0/24" })[0]!, /network or broadcast/);
  assert.deepEqual(checkVipInNodeNetwork("10.20.0.10", { cidr: "10.20.0.0/24", gateway: "10.20.0.1" }), []);
});
