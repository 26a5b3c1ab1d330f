/**
 * Fuzzing props: any input either constructs or throws ValidationError (never a TypeError or anything
 * else), and a synth either writes the whole output or throws ValidationError and writes no file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { App } from "cdktf";
import { Credentials, NutanixCluster, NutanixStack, PrismCentralAccount, PrivateCloudGateway, Secret, ValidationError } from "../../lib";
import { listFiles, MACHINE, tempDir } from "../helpers/nutanix-fixtures";

/** Mostly plausible values, sometimes anything at all. */
const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: good }, { weight: 1, arbitrary: fc.anything() });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const ip = fc.oneof(fc.ipV4(), fc.constantFrom("10.20.0.10", "10.20.0.1", "10.20.0.100", "10.20.0.300", ""));

const machine = fc.record({
  vcpuSockets: optional(maybe(fc.integer({ min: -1, max: 8 }))),
  vcpusPerSocket: optional(maybe(fc.integer({ min: 0, max: 8 }))),
  memoryGiB: optional(maybe(fc.double({ min: -1, max: 64, noNaN: false }))),
  systemDiskGiB: optional(maybe(fc.integer({ min: 0, max: 200 }))),
  bootType: optional(maybe(fc.constantFrom("legacy", "uefi", "bios"))),
  vcpus: fc.constant(undefined),
  image: maybe(fc.oneof(fc.constant("ubuntu-2204-kube-v1.30.5"), fc.record({ name: fc.string() }), fc.record({ uuid: fc.uuid() }))),
  cluster: maybe(fc.constantFrom("PE-1", "PE-2", "PE-1", "")),
  subnets: maybe(fc.oneof(fc.constant(["vm-net-20"]), fc.array(fc.oneof(fc.constant("vm-net-20"), fc.string()), { maxLength: 3 }))),
  gpus: optional(maybe(fc.array(fc.record({ name: fc.string() }), { maxLength: 2 }))),
}, { requiredKeys: ["image", "cluster", "subnets"] }).map(({ vcpus: _v, ...m }) => m);

const clusterData = fc.record({
  name: maybe(fc.oneof({ weight: 5, arbitrary: fc.constantFrom("c1", "pcg-host", "a".repeat(60)) }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) })),
  kubernetesVersion: maybe(fc.constantFrom("1.30.5", "v1.31.2", "1.30", "x")),
  endpoint: maybe(fc.record({ address: maybe(ip), port: optional(maybe(fc.integer({ min: -1, max: 70000 }))), mode: optional(maybe(fc.constantFrom("arp", "arp", "bgp"))) }, { requiredKeys: ["address"] })),
  controlPlane: maybe(fc.record({ replicas: optional(maybe(fc.constantFrom(0, 1, 2, 3, 5))), machine: maybe(fc.oneof(fc.constant(MACHINE), machine)) }, { requiredKeys: ["machine"] })),
  workers: optional(maybe(fc.array(fc.record({ name: maybe(fc.constantFrom("default", "gpu", "cp", "Bad")), replicas: maybe(fc.integer({ min: -1, max: 12 })), machine: maybe(fc.oneof(fc.constant(MACHINE), machine)) }, { requiredKeys: [] }), { maxLength: 3 }))),
  podCidr: optional(maybe(fc.constantFrom("172.20.0.0/16", "10.0.0.0/8", "10.20.0.0/24", "bad"))),
  nodeNetwork: optional(maybe(fc.record({ cidr: maybe(fc.constantFrom("10.20.0.0/24", "10.30.0.0/24")), gateway: optional(maybe(ip)), ipPool: optional(fc.array(fc.record({ start: ip, end: ip }), { maxLength: 2 })) }, { requiredKeys: [] }))),
}, { requiredKeys: ["name", "kubernetesVersion", "endpoint", "controlPlane"] });

/** A valid cluster with at most two fields taken from the adversarial generator. */
const VALID = { name: "c1", kubernetesVersion: "1.30.5", endpoint: { address: "10.20.0.10" }, controlPlane: { replicas: 3, machine: MACHINE }, workers: [{ name: "default", replicas: 2, machine: MACHINE }] };
const mostlyValid = fc
  .tuple(clusterData, fc.subarray(["name", "kubernetesVersion", "endpoint", "controlPlane", "workers", "podCidr", "nodeNetwork"], { maxLength: 2 }))
  .map(([random, keys]) => ({ ...VALID, ...Object.fromEntries(keys.map((k) => [k, (random as Record<string, unknown>)[k]])) }));

/** Runs `fn`; returns true when it completed, false on ValidationError, and fails on anything else. */
function constructsOrValidationError(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof ValidationError) {
      assert.ok(e.issues.length > 0);
      for (const i of e.issues) assert.ok(typeof i.path === "string" && typeof i.message === "string" && i.message.length > 0);
      return false;
    }
    throw e;
  }
}

test("fuzz: any account props construct or throw ValidationError", () => {
  const root = path.join(tempDir(), "out");
  fc.assert(fc.property(fc.oneof(fc.anything(), fc.record({ endpoint: maybe(fc.oneof(fc.webUrl(), fc.domain())), credentials: maybe(fc.constant(Credentials.fromEnv("U", "P"))), insecure: optional(maybe(fc.boolean())), trustBundle: optional(fc.string()) }, { requiredKeys: [] })), (props) => {
    const stack = new NutanixStack(new App({ outdir: root }), "s");
    constructsOrValidationError(() => new PrismCentralAccount(stack, "pc", props as never));
  }), { numRuns: 300 });
});

test("fuzz: any cluster props (and addNodePool) construct or throw ValidationError; synth writes all or nothing", () => {
  const outcomes = { constructed: 0, synthesized: 0 };
  fc.assert(fc.property(fc.oneof({ weight: 1, arbitrary: fc.anything() }, { weight: 3, arbitrary: clusterData }, { weight: 8, arbitrary: mostlyValid }), fc.option(fc.tuple(fc.anything(), fc.anything()), { nil: undefined }), fc.boolean(), (data, extraPool, withGateway) => {
    const outdir = path.join(tempDir(), "out");
    fs.mkdirSync(outdir);
    const app = new App({ outdir });
    const stack = new NutanixStack(app, "s");
    const pc = new PrismCentralAccount(stack, "pc", { endpoint: "pc", credentials: Credentials.fromEnv("U", "P") });
    let cluster: NutanixCluster | undefined;
    constructsOrValidationError(() => {
      cluster = new NutanixCluster(stack, "c", { ...(typeof data === "object" && data !== null ? data : { data }), account: pc } as never);
    });
    if (cluster && extraPool) constructsOrValidationError(() => cluster?.addNodePool(extraPool[0] as never, extraPool[1] as never));
    if (cluster && withGateway) {
      constructsOrValidationError(() => new PrivateCloudGateway(stack, "pcg", { name: "g", account: pc, hostCluster: cluster as NutanixCluster, palette: { apiKey: Secret.fromEnv("K") } }));
    }
    const synthesized = constructsOrValidationError(() => app.synth());
    const files = listFiles(outdir);
    if (cluster) outcomes.constructed++;
    if (synthesized) outcomes.synthesized++;
    if (synthesized) assert.ok(files.includes(path.join("stacks", "s", "nutanix-plan.json")) && files.includes(path.join("stacks", "s", "cdk.tf.json")), files.join(", "));
    else assert.deepEqual(files, [], "a failed synth left files behind");
  }), { numRuns: 150 });
  // The generator must reach both outcomes, or the property proves little.
  assert.ok(outcomes.constructed > 5 && outcomes.synthesized > 5 && outcomes.synthesized < 150, JSON.stringify(outcomes));
});

test("fuzz: gateway props with wrong construct types throw ValidationError", () => {
  const root = path.join(tempDir(), "out");
  fc.assert(fc.property(fc.anything(), fc.anything(), fc.anything(), (account, hostCluster, palette) => {
    const stack = new NutanixStack(new App({ outdir: root }), "s");
    constructsOrValidationError(() => new PrivateCloudGateway(stack, "pcg", { name: "g", account, hostCluster, palette } as never));
  }), { numRuns: 200 });
});
