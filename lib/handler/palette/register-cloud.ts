/**
 * `nutanix-handler palette register-cloud`: registers the custom cloud type `nutanix` on a self-hosted Palette, once,
 * in librarium `clusters/data-center/nutanix/register-nutanix-cloud.md`'s order: `POST /v1/clouds/cloudTypes/register`,
 * the CAPX infrastructure components (`content/cloudProvider`), the three templates (`content/templates/…`), and the
 * cloud-account keys. Idempotent: each part is read first (`GET …/content/<kind>` → `{yaml}`, `GET …/cloudAccountKeys`)
 * and written only when it differs, so a re-run writes nothing.
 */
import { parseAllDocuments } from "yaml";
import type { PaletteClient } from "../../palette/client";
import { NUTANIX_ACCOUNT_KEYS, type CloudContentKind } from "../../palette/clouds";
import { NUTANIX } from "../../palette/paths";
import { paletteRegistrationTemplates, type PaletteRegistrationTemplates } from "../../render/palette";
import { HandlerInputError } from "../errors";

/** What is registered. */
export interface RegisterCloudInput {
  /** The text of CAPX's `infrastructure-components.yaml` (the operator's file). */
  readonly infrastructureComponents: string;
  /** Where it came from, for messages. */
  readonly infrastructureComponentsFile: string;
  /** @default paletteRegistrationTemplates() */
  readonly templates?: PaletteRegistrationTemplates;
  /** @default the five NUTANIX_* keys */
  readonly accountKeys?: readonly string[];
  /** @default "nutanix" (librarium: the name must be `nutanix` for the built-in nutanix-csi pack) */
  readonly cloudType?: string;
}

/** One part and what happened to it. */
export interface RegisterCloudStep {
  readonly part: string;
  readonly action: "registered" | "uploaded" | "set" | "unchanged";
}

export interface RegisterCloudResult {
  readonly steps: readonly RegisterCloudStep[];
  /** Writes sent to Palette (0 on a re-run). */
  readonly writes: number;
}

/** The CRD that every CAPX infrastructure-components.yaml defines (CAPX `config/crd/bases`). */
const NUTANIX_CLUSTER_CRD = "nutanixclusters.infrastructure.cluster.x-k8s.io";

/** @throws HandlerInputError unless `text` is YAML that defines CAPX's NutanixCluster CRD. */
export function checkInfrastructureComponents(text: string, file: string): void {
  if (text.trim() === "") throw new HandlerInputError(`--infra-components ${file}: the file is empty (expected CAPX's infrastructure-components.yaml)`);
  const docs = parseAllDocuments(text);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) throw new HandlerInputError(`--infra-components ${file}: not YAML: ${bad.errors[0]!.message.split("\n")[0]}`);
  const names = docs.map((d) => d.toJSON() as { kind?: unknown; metadata?: { name?: unknown } } | null).filter((o) => o?.kind === "CustomResourceDefinition").map((o) => o?.metadata?.name);
  if (!names.includes(NUTANIX_CLUSTER_CRD)) throw new HandlerInputError(`--infra-components ${file}: expected CAPX's infrastructure-components.yaml (it defines the CRD ${NUTANIX_CLUSTER_CRD}); this file does not`);
}

/** Whether stored content equals what would be uploaded (trailing whitespace aside: guess, in case Palette trims). */
export function sameContent(stored: string, wanted: string): boolean {
  return stored.trimEnd() === wanted.trimEnd();
}

/** Whether the stored account keys are the wanted ones (a set: order is not meaningful). */
export function sameKeys(stored: readonly string[], wanted: readonly string[]): boolean {
  const a = new Set(stored);
  return a.size === new Set(wanted).size && wanted.every((k) => a.has(k));
}

/** Registers (or checks) the cloud type, its content and its account keys through `client`. */
export async function registerCloud(client: PaletteClient, input: RegisterCloudInput, log: (line: string) => void = () => {}): Promise<RegisterCloudResult> {
  checkInfrastructureComponents(input.infrastructureComponents, input.infrastructureComponentsFile);
  const name = input.cloudType ?? NUTANIX;
  const templates = input.templates ?? paletteRegistrationTemplates();
  const steps: RegisterCloudStep[] = [];
  const step = (part: string, action: RegisterCloudStep["action"]): void => {
    steps.push({ part, action });
    log(`${action.padEnd(10)} ${part}`);
  };
  const listed = await client.cloudTypes.list();
  if (listed.some((c) => c.name === name && c.isCustom !== true)) throw new Error(`Palette has a built-in cloud type "${name}": a custom cloud of that name cannot be registered`);
  step(`cloud type ${name}`, (await client.cloudTypes.register(name)).created ? "registered" : "unchanged");
  const content: [CloudContentKind, string][] = [
    ["cloudProvider", input.infrastructureComponents],
    ["templates/clusterTemplate", templates.clusterTemplate],
    ["templates/controlPlanePoolTemplate", templates.controlPlanePoolTemplate],
    ["templates/workerPoolTemplate", templates.workerPoolTemplate],
  ];
  for (const [kind, yaml] of content) {
    if (sameContent(await client.cloudTypes.content(kind, name), yaml)) step(`content/${kind}`, "unchanged");
    else {
      await client.cloudTypes.upload(kind, yaml, name);
      step(`content/${kind}`, "uploaded");
    }
  }
  const keys = input.accountKeys ?? NUTANIX_ACCOUNT_KEYS;
  if (sameKeys(await client.cloudTypes.accountKeys(name), keys)) step("cloudAccountKeys", "unchanged");
  else {
    await client.cloudTypes.setAccountKeys(keys, name);
    step("cloudAccountKeys", "set");
  }
  return { steps, writes: steps.filter((s) => s.action !== "unchanged").length };
}
