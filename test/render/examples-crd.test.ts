/**
 * Every CAPX / Cluster API object the examples produce validates against its CRD schema, in both the
 * default v1beta1 and the v1beta2 mode, and passes the identifier rules the CRDs state in CEL.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp as buildPcg } from "../../examples/pcg-on-nutanix/main";
import { buildApp as buildWorkloads } from "../../examples/workload-clusters/main";
import { NutanixCluster, type NutanixStack } from "../../lib";
import { crdSchemaErrors, identifierProblems, knownKinds } from "./crd-schema";

const EXAMPLES: Record<string, (outdir: string) => { stack: NutanixStack }> = { "pcg-on-nutanix": buildPcg, "workload-clusters": buildWorkloads };

for (const [name, build] of Object.entries(EXAMPLES)) {
  for (const clusterApiVersion of ["v1beta1", "v1beta2"] as const) {
    test(`${name}: every ${clusterApiVersion} manifest object validates against its CRD`, () => {
      const { stack } = build(fs.mkdtempSync(path.join(os.tmpdir(), "npc-crd-")));
      const clusters = stack.node.findAll().filter(NutanixCluster.isNutanixCluster);
      assert.ok(clusters.length > 0);
      let checked = 0;
      for (const c of clusters) {
        for (const o of c.toCapxManifests({ clusterApiVersion })) {
          if (o.kind === "Secret" || o.kind === "ConfigMap") continue;
          assert.ok(knownKinds().includes(`${o.apiVersion}/${o.kind}`) || knownKinds().includes(o.kind), `no CRD fixture for ${o.apiVersion} ${o.kind}`);
          assert.deepEqual(crdSchemaErrors(o), [], `${c.node.path}: ${o.kind} ${o.metadata.name}`);
          assert.deepEqual(identifierProblems(o), [], `${c.node.path}: ${o.kind} ${o.metadata.name}`);
          checked++;
        }
      }
      assert.ok(checked >= 7 * clusters.length, `checked ${checked} objects`);
    });
  }
}
