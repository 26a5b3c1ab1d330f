import assert from "node:assert/strict";
import { test } from "node:test";
import { clusterCreateBody, clusterCreateRequest, machinePoolBody, PaletteBodyError, type PaletteClusterInput } from "../../../lib/palette";
import { writeErrors } from "./spec";

const input: PaletteClusterInput = {
  name: "wl-1",
  cloudAccountUid: "0123456789abcdef01234567",
  profileUids: ["fedcba9876543210fedcba98"],
  cloudConfig: "kind: NutanixCluster\n",
  pools: [
    { values: "kind: MachineDeployment\n", isControlPlane: false, additionalLabels: { pool: "a" } },
    { values: "kind: KubeadmControlPlane\n", isControlPlane: true },
  ],
  labels: { env: "dev" },
  description: "through Palette",
};

test("the create body: spec.cloudType, the account, the cloud config, machinepoolconfig (control plane first) and the profile", () => {
  const b = clusterCreateBody(input);
  assert.deepEqual(b, {
    metadata: { name: "wl-1", labels: { env: "dev" }, annotations: { description: "through Palette" } },
    spec: {
      cloudType: "nutanix",
      cloudAccountUid: "0123456789abcdef01234567",
      cloudConfig: { values: "kind: NutanixCluster\n" },
      machinepoolconfig: [
        { cloudConfig: { values: "kind: KubeadmControlPlane\n" }, poolConfig: { isControlPlane: true, useControlPlaneAsWorker: false, taints: [], additionalLabels: {} } },
        { cloudConfig: { values: "kind: MachineDeployment\n" }, poolConfig: { isControlPlane: false, taints: [], additionalLabels: { pool: "a" } } },
      ],
      profiles: [{ uid: "fedcba9876543210fedcba98" }],
    },
  });
});

test("create and validate requests validate against the spec (a camelCase machinePoolConfig would not)", () => {
  const create = clusterCreateRequest(input);
  const validate = clusterCreateRequest(input, { validate: true });
  assert.deepEqual([create.path, validate.path], ["/v1/spectroclusters/cloudTypes/nutanix", "/v1/spectroclusters/cloudTypes/nutanix/validate"]);
  assert.deepEqual([...writeErrors(create), ...writeErrors(validate)], []);
  const { machinepoolconfig, ...rest } = create.body!.spec!;
  assert.ok(writeErrors({ ...create, body: { ...create.body, spec: { ...rest, machinePoolConfig: machinepoolconfig } } }).some((e) => e.includes("machinePoolConfig")));
});

test("bad input is refused naming the cluster and the field", () => {
  const cases: [Partial<PaletteClusterInput>, RegExp][] = [
    [{ cloudAccountUid: "" }, /cloudAccountUid: expected the uid of the Nutanix cloud account/],
    [{ profileUids: [] }, /profiles: expected at least one cluster profile uid/],
    [{ cloudConfig: " " }, /cloudConfig.values: expected the cloud config YAML/],
    [{ pools: [input.pools[0]!] }, /machinepoolconfig: expected exactly one control-plane pool, got 0/],
    [{ pools: [{ ...input.pools[1]! }, { ...input.pools[1]! }] }, /machinepoolconfig: expected exactly one control-plane pool, got 2/],
    [{ pools: [{ values: "", isControlPlane: true }] }, /cluster "wl-1" machinepoolconfig\[0\]: cloudConfig.values: expected the pool's YAML/],
  ];
  for (const [patch, re] of cases) assert.throws(() => clusterCreateBody({ ...input, ...patch }), (e: unknown) => e instanceof PaletteBodyError && re.test(e.message) && e.message.startsWith('cluster "wl-1"'));
  assert.throws(() => machinePoolBody({ values: "", isControlPlane: false }), PaletteBodyError);
});
