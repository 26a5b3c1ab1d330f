/**
 * no-op re-apply: the apply estate applied once, then applied again: writes (goal 0) and reads per
 * resource and per VM.
 */
import { estatePlan, round, table } from "./common";
import { applyControlPlanes, measureApply, measureNoop, withEstateEmulator } from "./apply-run";
import { APPLY_ESTATE, FAST_ENV as APPLY_ENV } from "./apply";

export async function runNoop(): Promise<{ figures: unknown; text: string }> {
  const plan = estatePlan(APPLY_ESTATE);
  const m = await withEstateEmulator(APPLY_ENV, async (emu) => {
    await applyControlPlanes(emu, plan, APPLY_ESTATE);
    await measureApply(emu, plan, APPLY_ESTATE, 50, APPLY_ENV);
    return measureNoop(emu, plan, APPLY_ESTATE);
  });
  const figures = { ...m, readsPerResource: round(m.readsPerResource, 3), readsPerVm: round(m.readsPerVm, 3), goalWrites: 0, verdict: m.writes === 0 ? "meets" : "MISSES" };
  const text = [
    `no-op re-apply of the same estate (${m.resources} plan resources, ${m.vms} VMs)`,
    table([{ "wall ms": m.wallMs, writes: m.writes, "goal": `0 ${figures.verdict}`, reads: m.reads, "reads/resource": figures.readsPerResource, "reads/VM": figures.readsPerVm }]),
    `reads: ${Object.entries(m.byRoute).map(([k, v]) => `${k} ×${v}`).join(", ")}`,
  ].join("\n");
  return { figures, text };
}
