/**
 * `--palette-endpoint` (issue 15 item 7): parsed by the CLI, it wins over PALETTE_ENDPOINT and the PaletteAccount's
 * endpoint for a whole run, as `--endpoint` does for Prism Central; a bad URL is bad input (exit 2).
 * The plan's account names an example address that nothing dials: the run reaches palette-emulator on loopback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "cdktf";
import { NutanixStack, PaletteAccount, PrismCentralAccount, Credentials, Secret } from "../../../lib";
import { collectPlan } from "../../../lib/stack/collect";
import { parseCli, main } from "../../../lib/handler/cli";
import { planDiff } from "../../../lib/handler";
import type { Plan } from "../../../lib/schema/plan";
import { withPalette, API_KEY } from "../../helpers/palette";
import { withTarget } from "../fixtures";
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "../../helpers/emulator";

function accountPlan(): Plan {
  const app = new App({ outdir: "/nonexistent-never-synthesized" });
  const stack = new NutanixStack(app, "t-pal");
  new PrismCentralAccount(stack, "pc", { endpoint: "https://pc.dc1.example.com:9440", credentials: Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD") });
  new PaletteAccount(stack, "palette", { endpoint: "https://palette.example.com", apiKey: Secret.fromEnv("PALETTE_API_KEY") });
  const { plan, issues } = collectPlan(stack);
  assert.deepEqual(issues, []);
  return plan;
}

test("parseCli: --palette-endpoint becomes paletteEndpoint for every command that runs a plan", () => {
  const p = parseCli(["plan", "--palette-endpoint", "https://127.0.0.1:8443"]);
  assert.ok(!p.help && p.options.paletteEndpoint === "https://127.0.0.1:8443");
  const q = parseCli(["apply"]);
  assert.ok(!q.help && q.options.paletteEndpoint === undefined);
});

test("--palette-endpoint wins over PALETTE_ENDPOINT and the account's endpoint: the plan reaches the emulator", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ base }) => {
    await withPalette(async (h) => {
      const r = await planDiff({ ...base, plan: accountPlan(), resource: "t-pal/palette", paletteEndpoint: h.emu.url, env: { ...base.env, PALETTE_API_KEY: API_KEY, PALETTE_ENDPOINT: "https://127.0.0.1:1" } });
      const d = r.diffs.find((x) => x.id === "t-pal/palette");
      assert.deepEqual(d?.errors, []);
      assert.match(d!.notes.join("\n"), /API key accepted; project "Default"/);
      assert.ok((await h.requests()).length > 0, "the emulator was asked");
    });
  });
});

test("a bad --palette-endpoint is bad input (exit 2) naming the flag", { timeout: 60_000 }, async () => {
  await withTarget({}, async ({ base }) => {
    const dir = await tempDir("npc-pal-");
    const file = path.join(dir, "nutanix-plan.json");
    fs.writeFileSync(file, JSON.stringify(accountPlan()));
    const err: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, base.env, { PALETTE_API_KEY: API_KEY, NUTANIX_ENDPOINT: base.endpoint });
    try {
      const code = await main(["plan", "--plan", file, "--palette-endpoint", "ftp://nope", "--quiet"], { stdout: () => undefined, stderr: (t) => err.push(t), isTty: false });
      assert.equal(code, 2, err.join(""));
      assert.match(err.join(""), /--palette-endpoint: palette endpoint: expected https:\/\/host\[:port\]/);
    } finally {
      process.env = saved;
    }
  });
});
