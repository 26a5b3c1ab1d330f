/**
 * apply: 100 VMs (10 pools × 10) against the emulator (a separate process, state file with group
 * commit) with 20 ms request latency and 500 ms tasks, through the programmatic handler API in this
 * process, at parallelism 1, 10 and 50. Ratio = wall / (ceil(VMs / parallelism) × task duration).
 */
import { estatePlan, round, table, verdict, type EstateParams } from "./common";
import { applyControlPlanes, measureApply, withEstateEmulator, type ApplyEnv, type ApplyMeasure } from "./apply-run";

export const APPLY_GOAL = 1.1;
export const APPLY_ENV: ApplyEnv = { latencyMs: 20, taskMs: 500, persist: true };
export const APPLY_ESTATE: EstateParams = { stack: "bench", clusters: 1, workerPools: 10, replicas: 10 };

type Row = Omit<ApplyMeasure, "byRoute"> & { verdict: string };

export async function measureOnce(parallelism: number): Promise<ApplyMeasure> {
  const plan = estatePlan(APPLY_ESTATE);
  return withEstateEmulator(APPLY_ENV, async (emu) => {
    await applyControlPlanes(emu, plan, APPLY_ESTATE);
    return measureApply(emu, plan, APPLY_ESTATE, parallelism, APPLY_ENV);
  });
}

export async function runApply(opts: { parallelisms?: number[] } = {}): Promise<{ figures: unknown; text: string }> {
  const rows: Row[] = [];
  const routes: Record<string, Record<string, number>> = {};
  for (const p of opts.parallelisms ?? [1, 10, 50]) {
    const { byRoute, ...m } = await measureOnce(p);
    rows.push({ ...m, ratio: round(m.ratio, 3), callsPerVm: round(m.callsPerVm, 2), writesPerVm: round(m.writesPerVm, 2), pollsPerVm: round(m.pollsPerVm, 2), verdict: verdict(m.ratio, APPLY_GOAL) });
    routes[`p${p}`] = byRoute;
  }
  const text = [
    `apply: ${rows[0]?.vms ?? 100} VMs (10 pools × 10), latency ${APPLY_ENV.latencyMs} ms, tasks ${APPLY_ENV.taskMs} ms, emulator in its own process with a state file; handler in-process (applyPlan)`,
    table(
      rows.map((r) => ({
        parallelism: r.parallelism,
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
