/**
 * npm run bench [-- synth apply noop scale]: runs the selected benchmarks (all by default), prints
 * their figures and ratios, and writes them to bench/results/latest.json.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSynth } from "./synth";
import { runApply } from "./apply";
import { runNoop } from "./noop";
import { runScale } from "./scale";

const BENCHES: Record<string, () => Promise<{ figures: unknown; text: string }>> = {
  synth: () => runSynth(),
  apply: () => runApply(),
  noop: () => runNoop(),
  scale: () => runScale(),
};

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const unknown = args.filter((a) => !(a in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}\n`);
    return 2;
  }
  const selected = args.length > 0 ? args : Object.keys(BENCHES);
  const t0 = Date.now();
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    const s = Date.now();
    process.stdout.write(`\n== ${name}\n`);
    const r = await BENCHES[name]!();
    process.stdout.write(`${r.text}\n(${((Date.now() - s) / 1000).toFixed(1)} s)\n`);
    results[name] = r.figures;
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    selected,
    totalSeconds: Math.round((Date.now() - t0) / 100) / 10,
    results,
  };
  const dir = path.join(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  // A partial run (a selection) merges into the last full results instead of erasing the others.
  let previous: { results?: Record<string, unknown> } = {};
  if (selected.length < Object.keys(BENCHES).length && fs.existsSync(file)) {
    try {
      previous = JSON.parse(fs.readFileSync(file, "utf8")) as typeof previous;
    } catch {
      previous = {};
    }
  }
  fs.writeFileSync(file, `${JSON.stringify({ ...out, results: { ...(previous.results ?? {}), ...results } }, null, 2)}\n`);
  process.stdout.write(`\nbench: ${selected.join(", ")} in ${out.totalSeconds} s; figures in ${path.relative(process.cwd(), file)}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
