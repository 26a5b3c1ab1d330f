import { test } from "node:test";
import assert from "node:assert/strict";
import { cidrContains, cidrsOverlap, CidrV4, DnsLabel, DnsSubdomain, EnvVarName, Host, HttpsUrl, HttpUrl, IPv4, KubernetesVersionInput, PemCertificates, Port, PrismUuid } from "../../lib/schema/net";
import { Labels, Taint } from "../../lib/schema/kubernetes";
import { expectSchemaCases } from "./table";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

expectSchemaCases("IPv4", IPv4, [{ name: "a dotted quad", input: "10.20.0.10" }], [
  { name: "an out-of-range octet", input: "10.20.0.256", message: /expected an IPv4 address.*got "10\.20\.0\.256"/ },
  { name: "a CIDR", input: "10.0.0.0/24", message: /expected an IPv4 address/ },
]);
expectSchemaCases("CidrV4", CidrV4, [{ name: "a /24", input: "10.20.0.0/24" }], [
  { name: "a missing prefix", input: "10.20.0.0", message: /expected an IPv4 CIDR block/ },
  { name: "a prefix > 32", input: "10.20.0.0/33", message: /expected an IPv4 CIDR block/ },
]);
expectSchemaCases("Port", Port, [{ name: "6443", input: 6443 }], [
  { name: "0", input: 0, message: /1 to 65535/ },
  { name: "65536", input: 65536, message: /1 to 65535/ },
  { name: "a fraction", input: 1.5, message: /whole port/ },
  { name: "a string", input: "443", message: /port number/ },
]);
expectSchemaCases("DnsLabel", DnsLabel, [{ name: "pcg-host", input: "pcg-host" }], [
  { name: "upper case", input: "PCG", message: /lowercase RFC 1123/ },
  { name: "a leading dash", input: "-a", message: /lowercase RFC 1123/ },
  { name: "64 characters", input: "a".repeat(64), message: /at most 63/ },
  { name: "empty", input: "", message: /non-empty/ },
]);
expectSchemaCases("DnsSubdomain", DnsSubdomain, [{ name: "pc.dc1.example.com", input: "pc.dc1.example.com" }], [
  { name: "an underscore", input: "pc_1.example.com", message: /RFC 1123 DNS name/ },
]);
expectSchemaCases("Host", Host, [{ name: "an IP", input: "10.0.0.5" }, { name: "a name", input: "pc.example.com" }], [
  { name: "a URL", input: "https://pc", message: /IPv4 address or a DNS name/ },
]);
expectSchemaCases("HttpsUrl", HttpsUrl, [{ name: "https", input: "https://api.spectrocloud.com" }], [
  { name: "http", input: "http://api.spectrocloud.com", message: /https:\/\/ URL/ },
  { name: "garbage", input: "not a url", message: /https:\/\/ URL/ },
]);
expectSchemaCases("HttpUrl", HttpUrl, [{ name: "http", input: "http://proxy:3128" }], [{ name: "ftp", input: "ftp://x", message: /http:\/\/ or https:\/\// }]);
expectSchemaCases("KubernetesVersionInput", KubernetesVersionInput, [
  { name: "v1.30.5 (normalized)", input: "v1.30.5", output: "1.30.5" },
  { name: "1.31.2", input: "1.31.2", output: "1.31.2" },
], [
  { name: "a two-part version", input: "1.30", message: /Kubernetes version such as 1\.30\.5/ },
  { name: "a suffix", input: "1.30.5-rc.1", message: /Kubernetes version/ },
]);
expectSchemaCases("EnvVarName", EnvVarName, [{ name: "NUTANIX_USERNAME", input: "NUTANIX_USERNAME" }], [
  { name: "a dash", input: "NUTANIX-USER", message: /environment variable name/ },
  { name: "a leading digit", input: "1X", message: /environment variable name/ },
]);
expectSchemaCases("PrismUuid", PrismUuid, [{ name: "a UUID", input: "0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a" }], [
  { name: "a short id", input: "0005a0f1", message: /36-character UUID/ },
]);
expectSchemaCases("PemCertificates", PemCertificates, [{ name: "one certificate", input: CERT }, { name: "two", input: `${CERT}\n${CERT}\n` }], [
  { name: "plain text", input: "hello", message: /PEM blocks/ },
  { name: "a private key", input: CERT.replace(/CERTIFICATE/g, "PRIVATE KEY"), message: /only CERTIFICATE blocks/ },
  { name: "text around the block", input: `junk\n${CERT}`, message: /other text around/ },
]);
expectSchemaCases("Labels", Labels, [{ name: "prefixed keys", input: { "example.com/gpu": "", app: "web" } }], [
  { name: "a bad key", input: { "bad key": "x" }, message: /Kubernetes key.*got "bad key"/, field: "bad key" },
  { name: "a long value", input: { app: "x".repeat(64) }, message: /label value/, field: "app" },
]);
expectSchemaCases("Taint", Taint, [{ name: "NoSchedule", input: { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } }], [
  { name: "an unknown effect", input: { key: "a", effect: "Never" }, message: /NoSchedule, PreferNoSchedule or NoExecute/, field: "effect" },
]);

test("cidr arithmetic: containment and overlap", () => {
  assert.ok(cidrContains("10.20.0.0/24", "10.20.0.255"));
  assert.ok(!cidrContains("10.20.0.0/24", "10.20.1.0"));
  assert.ok(cidrsOverlap("10.0.0.0/8", "10.20.0.0/24"));
  assert.ok(!cidrsOverlap("172.20.0.0/16", "172.19.0.0/16"));
});
