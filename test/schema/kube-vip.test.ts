import { KubeVipEndpointPropsSchema, LeaderElection } from "../../lib/schema/kube-vip";
import { expectSchemaCases } from "./table";

const bgp = { routerId: "10.20.0.2", peers: [{ address: "10.20.0.1", asn: 65001 }] };

expectSchemaCases("KubeVipEndpointPropsSchema", KubeVipEndpointPropsSchema, [
  {
    name: "an address (defaults)",
    input: { address: "10.20.0.10" },
    output: { address: "10.20.0.10", port: 6443, mode: "arp", leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, loadBalancer: false },
  },
  { name: "bgp mode with settings", input: { address: "10.20.0.10", mode: "bgp", bgp } },
], [
  { name: "bgp mode without settings", input: { address: "10.20.0.10", mode: "bgp" }, message: /expected bgp settings/, field: "bgp" },
  { name: "bgp settings in arp mode", input: { address: "10.20.0.10", bgp }, message: /no bgp settings when mode is 'arp'/, field: "bgp" },
  { name: "bgp without peers", input: { address: "10.20.0.10", mode: "bgp", bgp: { routerId: "10.20.0.2", peers: [] } }, message: /at least one BGP peer/, field: "bgp.peers" },
  { name: "an unknown mode", input: { address: "10.20.0.10", mode: "l3" }, message: /'arp' or 'bgp'/, field: "mode" },
  { name: "a long interface name", input: { address: "10.20.0.10", interface: "x".repeat(16) }, message: /at most 15 characters/, field: "interface" },
  { name: "a bad address", input: { address: "10.20.0" }, message: /IPv4 address/, field: "address" },
]);
expectSchemaCases("LeaderElection", LeaderElection, [{ name: "15/10/2", input: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 } }], [
  { name: "lease ≤ renew", input: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }, message: /leaseDurationSeconds > renewDeadlineSeconds/, field: "leaseDurationSeconds" },
  { name: "renew ≤ 1.2 × retry", input: { leaseDurationSeconds: 15, renewDeadlineSeconds: 5, retryPeriodSeconds: 5 }, message: /1\.2 × retryPeriodSeconds/, field: "renewDeadlineSeconds" },
  { name: "zero seconds", input: { retryPeriodSeconds: 0 }, message: /at least 1 second/, field: "retryPeriodSeconds" },
]);
