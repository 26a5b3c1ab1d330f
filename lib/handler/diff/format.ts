/**
 * The readable form of a plan: per resource its action (create / update in place / replace / delete /
 * no change), the fields that differ, the VM steps, and the problems that will fail the apply.
 */
import type { FieldChange, ResourceDiff, VmChange } from "../types";

const ACTION_TEXT: Record<ResourceDiff["action"], string> = {
  create: "create",
  update: "update in place",
  replace: "replace (rolling)",
  delete: "delete",
  "no-change": "no change",
};

const SYMBOL: Record<ResourceDiff["action"], string> = { create: "+", update: "~", replace: "±", delete: "-", "no-change": "=" };

function change(c: FieldChange): string {
  if (c.from === undefined) return `${c.field} = ${c.to ?? ""}`;
  if (c.to === undefined) return `${c.field} (was ${c.from})`;
  return `${c.field}: ${c.from} → ${c.to}`;
}

function vmLine(v: VmChange): string {
  const id = v.uuid ? ` (${v.uuid})` : "";
  switch (v.op) {
    case "create":
      return `+ ${v.name}${id}: create`;
    case "wait":
      return `… ${v.name}${id}: ${v.reason ?? "create still running"}`;
    case "update":
      return `~ ${v.name}${id}: ${v.changes.map(change).join(", ")}`;
    case "replace":
      return `± ${v.name}${id} → ${v.newName}: ${v.changes.map(change).join(", ")}`;
    case "delete":
      return `- ${v.name}${id}: delete${v.reason ? ` (${v.reason})` : ""}`;
  }
}

/** One resource's block. */
export function formatResourceDiff(d: ResourceDiff): string {
  const lines = [`${SYMBOL[d.action]} ${d.id} (${d.kind}): ${ACTION_TEXT[d.action]}${d.errors.length ? " — WILL FAIL" : ""}`];
  for (const c of d.changes) lines.push(`    ${change(c)}`);
  for (const v of d.vms) lines.push(`    ${vmLine(v)}`);
  for (const n of d.notes) lines.push(`    # ${n}`);
  for (const e of d.errors) lines.push(`    ! ${e}`);
  return lines.join("\n");
}

/** Counts of the VM steps of a set of diffs. */
export function countSteps(diffs: readonly ResourceDiff[]): Record<VmChange["op"], number> {
  const out: Record<VmChange["op"], number> = { create: 0, update: 0, replace: 0, delete: 0, wait: 0 };
  for (const d of diffs) for (const v of d.vms) out[v.op]++;
  return out;
}

/** The whole plan output. */
export function formatPlan(diffs: readonly ResourceDiff[]): string {
  const blocks = diffs.map(formatResourceDiff);
  const c = countSteps(diffs);
  const failing = diffs.filter((d) => d.errors.length > 0).length;
  const changed = diffs.filter((d) => d.action !== "no-change").length;
  blocks.push(
    `Plan: ${changed} of ${diffs.length} resource(s) change; VMs: ${c.create} to create, ${c.update} to update in place, ${c.replace} to replace, ${c.delete} to delete${c.wait ? `, ${c.wait} still being created` : ""}${failing ? `; ${failing} resource(s) will fail` : ""}.`,
  );
  return blocks.join("\n");
}
