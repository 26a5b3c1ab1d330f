/**
 * scale: apply time and API calls for 10, 100 and 1000 VMs (pools of 10) at parallelism 50, same
 * latency and task duration as apply: calls per VM should stay flat, and wall time should follow
 * ceil(VMs / 50) × task duration.
 */
import { estatePlan, round, table, type EstateParams } from "./common";
import { applyControlPlanes, measureApply, withEstateEmulator, type ApplyMeasure } from "./apply-run";
import { FAST_ENV as APPLY_ENV } from "./apply";

export const SCALE_PARALLELISM = 50;

export async function runScale(opts: { sizes?: number[] } = {}): Promise<{ figures: unknown; text: string }> {
  const rows: Array<Omit<ApplyMeasure, "byRoute"> & { pools: number; wallPerVmMs: number }> = [];
  for (const vms of opts.sizes ?? [10, 100, 1000]) {
    const estate: EstateParams = { stack: "bench", clusters: 1, workerPools: vms / 10, replicas: 10 };
    const plan = estatePlan(estate);
    const { byRoute: _r, ...m } = await withEstateEmulator(APPLY_ENV, async (emu) => {
      await applyControlPlanes(emu, plan, estate);
      return measureApply(emu, plan, estate, SCALE_PARALLELISM, APPLY_ENV);
    });
    rows.push({ ...m, pools: estate.workerPools, ratio: round(m.ratio, 3), callsPerVm: round(m.callsPerVm, 2), writesPerVm: round(m.writesPerVm, 2), pollsPerVm: round(m.pollsPerVm, 2), wallPerVmMs: round(m.wallMs / m.vms, 1) });
  }
  const growth = rows.length > 1 ? round(rows[rows.length - 1]!.callsPerVm / rows[0]!.callsPerVm, 2) : 1;
  const text = [
    `scale: pools of 10 VMs, parallelism ${SCALE_PARALLELISM}, latency ${APPLY_ENV.latencyMs} ms, tasks ${APPLY_ENV.taskMs} ms`,
    table(rows.map((r) => ({ VMs: r.vms, pools: r.pools, "wall ms": r.wallMs, "ideal ms": r.idealMs, "wall/ideal": r.ratio, "API calls": r.apiCalls, "calls/VM": r.callsPerVm, "writes/VM": r.writesPerVm, "task polls/VM": r.pollsPerVm }))),
    `calls/VM at ${rows[rows.length - 1]?.vms} VMs ÷ calls/VM at ${rows[0]?.vms} VMs: ${growth} (flat = 1)`,
  ].join("\n");
  return { figures: { parallelism: SCALE_PARALLELISM, env: APPLY_ENV, rows, callsPerVmGrowth: growth }, text };
}
