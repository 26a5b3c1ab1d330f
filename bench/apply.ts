/**
 * apply: 100 VMs (10 pools × 10) against the emulator (a separate process, state file with group
 * commit) with 20 ms request latency and 500 ms tasks, through the programmatic handler API in this
 * process, at parallelism 1, 10 and 50. Ratio = wall / (ceil(VMs / parallelism) × task duration).
 * Each parallelism is also run with the proposed task polling installed (what-if, see what-if-poll.ts).
 */
import { estatePlan, round, table, verdict, type EstateParams } from "./common";
import { applyControlPlanes, measureApply, withEstateEmulator, type ApplyEnv, type ApplyMeasure } from "./apply-run";
import { installLearnedPolling } from "./what-if-poll";

export const APPLY_GOAL = 1.1;
export const APPLY_ENV: ApplyEnv = { latencyMs: 20, taskMs: 500, persist: true };
export const APPLY_ESTATE: EstateParams = { stack: "bench", clusters: 1, workerPools: 10, replicas: 10 };

type Row = Omit<ApplyMeasure, "byRoute"> & { polling: "stock" | "what-if"; verdict: string };

export async function measureOnce(parallelism: number, whatIf: boolean): Promise<ApplyMeasure> {
  const plan = estatePlan(APPLY_ESTATE);
  const restore = whatIf ? installLearnedPolling() : () => undefined;
  try {
    return await withEstateEmulator(APPLY_ENV, async (emu) => {
      await applyControlPlanes(emu, plan, APPLY_ESTATE);
      return measureApply(emu, plan, APPLY_ESTATE, parallelism, APPLY_ENV);
    });
  } finally {
    restore();
  }
}

export async function runApply(opts: { parallelisms?: number[]; whatIf?: boolean } = {}): Promise<{ figures: unknown; text: string }> {
  const rows: Row[] = [];
  const routes: Record<string, Record<string, number>> = {};
  for (const p of opts.parallelisms ?? [1, 10, 50]) {
    for (const polling of opts.whatIf === false ? (["stock"] as const) : (["stock", "what-if"] as const)) {
      const { byRoute, ...m } = await measureOnce(p, polling === "what-if");
      rows.push({ ...m, ratio: round(m.ratio, 3), callsPerVm: round(m.callsPerVm, 2), writesPerVm: round(m.writesPerVm, 2), pollsPerVm: round(m.pollsPerVm, 2), polling, verdict: verdict(m.ratio, APPLY_GOAL) });
      routes[`p${p}-${polling}`] = byRoute;
    }
  }
  const text = [
    `apply: ${rows[0]?.vms ?? 100} VMs (10 pools × 10), latency ${APPLY_ENV.latencyMs} ms, tasks ${APPLY_ENV.taskMs} ms, emulator in its own process with a state file; handler in-process (applyPlan)`,
    table(
      rows.map((r) => ({
        parallelism: r.parallelism,
        polling: r.polling,
        "wall ms": r.wallMs,
        "ideal ms": r.idealMs,
        "wall/ideal": r.ratio,
        goal: `≤ ${APPLY_GOAL} ${r.verdict}`,
        "API calls": r.apiCalls,
        "calls/VM": r.callsPerVm,
        "writes/VM": r.writesPerVm,
        "task polls/VM": r.pollsPerVm,
        retries: r.clientRetries,
      })),
    ),
  ].join("\n");
  return { figures: { env: APPLY_ENV, estate: APPLY_ESTATE, goal: APPLY_GOAL, rows, routes }, text };
}
