/**
 * Every VM's user data, as the handler hands it to Prism Central for the example estate, passes the real
 * `cloud-init schema --config-file` (Debian's cloud-init package). Without cloud-init the test prints one
 * skip line naming it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { applyPlan } from "../../lib/handler";
import type { VmEntity } from "../../lib/prism/types";
import { buildApp as buildPcg } from "../../examples/pcg-on-nutanix/main";
import { tempDir, withEmulator } from "../helpers/emulator";

function hasCloudInit(): boolean {
  return spawnSync("cloud-init", ["--version"], { stdio: "ignore" }).status === 0;
}

function userDataOf(vm: VmEntity): string {
  const b64 = (vm.spec.resources as { guest_customization?: { cloud_init?: { user_data?: string } } }).guest_customization?.cloud_init?.user_data;
  assert.ok(b64, `${vm.spec.name} has cloud-init user data`);
  return Buffer.from(b64, "base64").toString("utf8");
}

const skip = hasCloudInit() ? false : "cloud-init not found on the PATH (Debian package cloud-init): skipping the cloud-init schema check";
if (skip) console.log(`# SKIP ${skip}`);

test("every VM's user data of the example estate passes `cloud-init schema`", { skip, timeout: 180_000 }, async () => {
  const out = await tempDir("ud-schema-");
  const { app } = buildPcg(out);
  app.synth();
  const planFile = path.join(out, "stacks", "dc1", "nutanix-plan.json");
  await withEmulator({ taskMs: 20, seedPath: path.join(__dirname, "..", "..", "lib", "emulator", "default-seed.json") }, async (h) => {
    const env = { NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password, PALETTE_API_KEY: "ud-schema-test-key" };
    const r = await applyPlan({ plan: planFile, endpoint: h.emu.url, env, retries: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 } });
    assert.equal(r.exitCode, 0, JSON.stringify(r.resources.filter((x) => x.result !== "ok").map((x) => [x.id, x.error])));
    const c = h.client();
    let vms: VmEntity[];
    try {
      vms = (await c.listVms()).filter((v) => v.metadata.categories?.NpcStack !== undefined);
    } finally {
      c.close();
    }
    assert.ok(vms.length >= 6, `the example builds its VMs (got ${vms.length})`);
    const dir = await tempDir("ud-files-");
    for (const vm of vms) {
      const file = path.join(dir, `${vm.spec.name}.yaml`);
      fs.writeFileSync(file, userDataOf(vm));
      let output = "";
      try {
        output = execFileSync("cloud-init", ["schema", "--config-file", file], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        assert.fail(`${vm.spec.name}: cloud-init schema refused its user data:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
      }
      assert.match(output, /Valid cloud-config/, `${vm.spec.name}: ${output}`);
    }
  });
});
