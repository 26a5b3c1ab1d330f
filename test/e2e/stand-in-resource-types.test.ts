/**
 * The Terraform stand-in plays null_resource and terraform_data alike: one program synthesized both
 * ways (by `node --import tsx main.ts`, no terraform needed) runs, step by step, the same handler
 * invocations (command, resource, generation) and leaves the same VMs. With
 * test/e2e/real-terraform.test.ts, which checks the stand-in's terraform_data runs against the real
 * Terraform, this ties the null_resource stand-in (used by the other e2e tests) to the real thing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { withEmulator, tempDir, type EmulatorHarness } from "../helpers/emulator";
import { CdktfProgram, run, tail, takeInvocations, type ProgramParams } from "../helpers/real-terraform";
import { terraformApply, terraformDestroy } from "../helpers/terraform";

const BASE: ProgramParams = {
  clusterName: "alpha",
  endpoint: "10.20.0.12",
  ipPool: { start: "10.20.0.100", end: "10.20.0.149" },
  workers: [{ name: "md", replicas: 1 }, { name: "extra", replicas: 1 }],
};

async function vmNames(h: EmulatorHarness): Promise<string[]> {
  const c = h.client();
  try {
    return (await c.listVms()).filter((v) => v.metadata.categories?.NpcStack === "dc1").map((v) => v.spec.name).sort();
  } finally {
    c.close();
  }
}

test("stand-in: null_resource and terraform_data run the same handler invocations, step by step", { timeout: 300_000 }, async () => {
  await withEmulator({ taskMs: 10 }, async (hNull) => {
    await withEmulator({ taskMs: 10 }, async (hData) => {
      const parent = await tempDir("npc-stand-in-types-");
      const sides = await Promise.all(
        (["null_resource", "terraform_data"] as const).map(async (type, i) => {
          const h = i === 0 ? hNull : hData;
          const program = await CdktfProgram.create(parent, type.replace("_", "-"), { ...BASE, terraformResource: type });
          const env = { NUTANIX_ENDPOINT: h.emu.url, NUTANIX_USERNAME: h.emu.username, NUTANIX_PASSWORD: h.emu.password, NPC_INVOCATION_LOG: program.invocationLog };
          return { type, h, program, env, state: path.join(parent, `${type}.state.json`) };
        }),
      );
      const steps: Array<[string, ProgramParams, "apply" | "destroy"]> = [
        ["first apply", BASE, "apply"],
        ["scale up", { ...BASE, workers: [{ name: "md", replicas: 3 }, { name: "extra", replicas: 1 }] }, "apply"],
        ["prune", { ...BASE, workers: [{ name: "md", replicas: 3 }] }, "apply"],
        ["destroy", { ...BASE, workers: [{ name: "md", replicas: 3 }] }, "destroy"],
      ];
      for (const [what, params, op] of steps) {
        const seen: Array<{ calls: Awaited<ReturnType<typeof takeInvocations>>; vms: string[] }> = [];
        for (const s of sides) {
          await s.program.setParams({ ...params, terraformResource: s.type });
          if (op === "apply") {
            const synth = await run(process.execPath, ["--import", "tsx", "main.ts"], s.program.dir, { ...process.env, CDKTF_OUTDIR: path.join(s.program.dir, "cdktf.out") }, 120_000);
            assert.equal(synth.code, 0, `${s.type} synth (${what}):\n${tail(synth)}`);
          }
          const opts = { stackDir: s.program.stackDir(), statePath: s.state, env: s.env };
          const r = op === "apply" ? await terraformApply(opts) : await terraformDestroy(opts);
          assert.ok(r.ok, `${s.type} ${what}: ${r.steps.filter((x) => x.code !== 0).map((x) => x.stderr).join("\n")}`);
          seen.push({ calls: await takeInvocations(s.program.invocationLog), vms: await vmNames(s.h) });
        }
        assert.ok(seen[0]!.calls.length > 0, `${what}: the handler ran`);
        assert.ok(seen[0]!.calls.every((c) => c.command === (op === "apply" ? "apply" : "destroy")), `${what}: ${JSON.stringify(seen[0]!.calls)}`);
        assert.deepEqual(seen[1], seen[0], `${what}: terraform_data and null_resource differ`);
      }
      assert.deepEqual(await vmNames(hNull), []);
    });
  });
});
