/**
 * synth: 50 clusters × 5 pools (351 resources) with this library vs the same number of bare
 * null_resources with plain cdktf. Each synth runs in its own child process (honest peak RSS), the
 * sides alternate, and the median of N is compared. (synth-child.ts also knows `lib-memo`, the
 * what-if that measured the bridge token fix before it landed in lib/stack/bridge.ts.)
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { median, ROOT, round, table, tempDir, verdict } from "./common";

const CLUSTERS = 50;
const POOLS = 5;
export const SYNTH_GOAL = 1.2;

interface ChildResult {
  side: string;
  ms: number;
  resources: number;
  loadMs: number;
  maxRssMiB: number;
  heapUsedMiB: number;
  processMs: number;
}

function runChild(side: string, outdir: string): Promise<ChildResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "synth-child.ts"), side, outdir, String(CLUSTERS), String(POOLS)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`synth-child ${side} exited ${code}: ${err}`));
      resolve({ ...(JSON.parse(out.trim().split("\n").pop()!) as Omit<ChildResult, "processMs">), processMs: Date.now() - t0 });
    });
  });
}

/** Newest modification time under `dir` (files ending in `ext`). */
function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The library side loads the built package (dist/): build it when it is missing or older than lib/. */
function ensureBuilt(log: (line: string) => void): void {
  const entry = path.join(ROOT, "dist", "lib", "index.js");
  const built = fs.existsSync(entry) ? newestMtime(path.join(ROOT, "dist", "lib"), ".js") : 0;
  if (built >= newestMtime(path.join(ROOT, "lib"), ".ts")) return;
  log("synth: dist/ is missing or older than lib/: npm run build");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

export interface SynthFigures {
  clusters: number;
  poolsPerCluster: number;
  resources: number;
  runs: number;
  sides: Record<string, { medianMs: number; medianProcessMs: number; medianLoadMs: number; peakRssMiB: number; heapUsedMiB: number; samplesMs: number[] }>;
  ratio: number;
  processRatio: number;
  goal: number;
  verdict: string;
}

export async function runSynth(opts: { runs?: number; log?: (line: string) => void } = {}): Promise<{ figures: SynthFigures; text: string }> {
  const runs = opts.runs ?? 5;
  ensureBuilt(opts.log ?? ((line) => process.stderr.write(`${line}\n`)));
  const sides = ["lib", "plain"];
  const samples: Record<string, ChildResult[]> = { lib: [], plain: [] };
  const dir = tempDir("npc-bench-synth-");
  try {
    // One warm-up of each (tsx's transform cache), then alternate the order every round.
    for (const s of sides) await runChild(s, path.join(dir, `warm-${s}`));
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const s of order) {
        const out = path.join(dir, `${s}-${i}`);
        samples[s]!.push(await runChild(s, out));
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(
    sides.map((s) => {
      const xs = samples[s]!;
      return [
        s,
        {
          medianMs: round(median(xs.map((x) => x.ms)), 0),
          medianProcessMs: round(median(xs.map((x) => x.processMs)), 0),
          medianLoadMs: round(median(xs.map((x) => x.loadMs)), 0),
          peakRssMiB: round(Math.max(...xs.map((x) => x.maxRssMiB)), 1),
          heapUsedMiB: round(median(xs.map((x) => x.heapUsedMiB)), 1),
          samplesMs: xs.map((x) => round(x.ms, 0)),
        },
      ];
    }),
  );
  const ratio = summary.lib!.medianMs / summary.plain!.medianMs;
  const figures: SynthFigures = {
    clusters: CLUSTERS,
    poolsPerCluster: POOLS,
    resources: samples.lib![0]!.resources,
    runs,
    sides: summary,
    ratio: round(ratio, 2),
    processRatio: round(summary.lib!.medianProcessMs / summary.plain!.medianProcessMs, 2),
    goal: SYNTH_GOAL,
    verdict: verdict(ratio, SYNTH_GOAL),
  };
  const rows = sides.map((s) => ({
    side: s === "lib" ? "this library" : "plain cdktf null_resource",
    "synth ms (median)": summary[s]!.medianMs,
    "process ms": summary[s]!.medianProcessMs,
    "module load ms": summary[s]!.medianLoadMs,
    "peak RSS MiB": summary[s]!.peakRssMiB,
    "heap MiB": summary[s]!.heapUsedMiB,
  }));
  const text = [
    `synth: ${CLUSTERS} clusters × ${POOLS} pools = ${figures.resources} resources, median of ${runs} (each in its own process, alternating order; the library as built in dist/)`,
    table(rows),
    `ratio library / plain (synth time): ${figures.ratio} (goal ≤ ${SYNTH_GOAL}: ${figures.verdict}); whole process (module loading included): ${figures.processRatio}`,
  ].join("\n");
  return { figures, text };
}
