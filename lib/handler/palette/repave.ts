/**
 * Pure: machine changes of a cluster through Palette. Palette applies a change of a pool's machine (CPU, memory,
 * disk, image …) only when its NutanixMachineTemplate is renamed and the KubeadmControlPlane / MachineDeployment
 * points at the new name; that "will trigger a cluster repave", which waits for approval (librarium
 * `clusters/data-center/nutanix/create-manage-nutanix-cluster.md`). So a pool keeps the suffix of the template
 * Palette has while its machine spec is unchanged, and takes the next one (`-0` → `-1`) when the spec changed.
 */
import { parseAllDocuments } from "yaml";
import type { V1CustomMachinePoolConfig } from "../../palette";
import type { PaletteClusterDescription, PaletteTemplates } from "../../render/palette";
import { canonicalJson } from "../../plan/canonical";

/** The NutanixMachineTemplate of a pool's YAML: its name and spec. */
export interface MachineTemplate {
  readonly name: string;
  readonly spec: unknown;
}

/** The first `kind: NutanixMachineTemplate` document of a pool's YAML, or undefined. */
export function machineTemplateOf(values: string | undefined): MachineTemplate | undefined {
  if (!values) return undefined;
  for (const d of parseAllDocuments(values)) {
    const o = d.toJS() as { kind?: unknown; metadata?: { name?: unknown }; spec?: unknown } | null;
    if (o?.kind === "NutanixMachineTemplate" && typeof o.metadata?.name === "string") return { name: o.metadata.name, spec: o.spec ?? null };
  }
  return undefined;
}

/** The numeric suffix of a template name (`web-general-mt-3` → 3), or undefined when it has none. */
export function suffixOf(name: string): number | undefined {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * The suffix each pool's template takes, by the plan's pool name: `"0"` for a pool Palette does not have; the live
 * suffix when the rendered spec equals the live one; the next number when it differs (a machine change).
 * `first` is rendered with the default suffixes (only the specs are compared).
 */
export function templateSuffixes(first: PaletteTemplates, live: readonly V1CustomMachinePoolConfig[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of [first.controlPlane, ...first.workers]) {
    const l = live.find((p) => p.name === t.name);
    const lt = machineTemplateOf(l?.values);
    const wt = machineTemplateOf(t.values);
    if (!lt || !wt) {
      out.set(t.pool, "0");
      continue;
    }
    const n = suffixOf(lt.name) ?? 0;
    out.set(t.pool, canonicalJson(lt.spec) === canonicalJson(wt.spec) ? String(n) : String(n + 1));
  }
  return out;
}

/** The description with each pool's template suffix. */
export function withSuffixes(d: PaletteClusterDescription, suffixes: ReadonlyMap<string, string>): PaletteClusterDescription {
  const cp = suffixes.get(d.controlPlane.name);
  return {
    ...d,
    controlPlane: { ...d.controlPlane, ...(cp !== undefined ? { templateSuffix: cp } : {}) },
    workers: (d.workers ?? []).map((w) => {
      const s = suffixes.get(w.name);
      return { ...w, ...(s !== undefined ? { templateSuffix: s } : {}) };
    }),
  };
}
