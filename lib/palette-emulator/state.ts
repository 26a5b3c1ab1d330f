/**
 * The palette-emulator's state (projects, custom cloud types, cluster profiles, PCGs, cloud accounts,
 * clusters) and its persistence: one JSON file written atomically (temp file in the same directory, fsync,
 * rename), so a crash leaves the old or the new state, never a torn one.
 */
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as path from "node:path";

/** "" is the tenant scope; otherwise a project uid. */
export type Scope = string;

export interface StoredProject {
  uid: string;
  name: string;
}

export interface StoredCloudType {
  name: string;
  displayName: string;
  cloudCategory: "datacenter" | "cloud" | "edge";
  isCustom: boolean;
  /** Uploaded content by kind (`core`, `cloudProvider`, `templates/clusterTemplate`, …). */
  content: Record<string, string>;
  accountKeys: string[];
}

export interface StoredProfile {
  uid: string;
  name: string;
  version: string;
  cloudType: string;
  scope: Scope;
}

export interface StoredOverlord {
  uid: string;
  name: string;
  cloudType: string;
  createdAt: number;
  /** When the Jet and Ally manifests were first downloaded (ms since the epoch). */
  jetAt?: number;
  allyAt?: number;
  kubectlCommands: string[];
}

export interface StoredAccount {
  uid: string;
  name: string;
  scope: Scope;
  overlordUid: string;
  credentials: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface StoredPool {
  name: string;
  size: number;
  isControlPlane: boolean;
  useControlPlaneAsWorker: boolean;
  values: string;
  /** metadata.name of the pool's NutanixMachineTemplate (a change means a repave). */
  machineTemplate: string;
  taints: { key?: string; value?: string; effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
  additionalLabels: Record<string, string>;
}

export interface StoredCluster {
  uid: string;
  name: string;
  scope: Scope;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  accountUid: string;
  configUid: string;
  clusterConfigValues: string;
  profileUids: string[];
  pools: StoredPool[];
  createdAt: number;
  deleteAt?: number;
  repave?: { state: "Pending" | "Approved"; at: number };
  /** Control-plane endpoint from the NutanixCluster of the cloud config (for the kubeconfig). */
  endpoint: { host: string; port: number };
}

export interface PaletteState {
  version: 1;
  tenantUid: string;
  seq: number;
  projects: StoredProject[];
  cloudTypes: Record<string, StoredCloudType>;
  profiles: StoredProfile[];
  overlords: Record<string, StoredOverlord>;
  accounts: Record<string, StoredAccount>;
  clusters: Record<string, StoredCluster>;
}

/**
 * A 24-hex-digit id (Palette uids are Mongo ObjectId-like: terraform-provider-spectrocloud import example
 * `68785a9ef75cadff7aaa6d7b`), derived from a counter so a run is repeatable.
 */
export function nextUid(state: PaletteState, kind: string): string {
  state.seq++;
  return createHash("sha1").update(`${kind}:${state.seq}`).digest("hex").slice(0, 24);
}

/** A seeded uid (stable across runs): `kind:name`. */
export function seededUid(kind: string, name: string): string {
  return createHash("sha1").update(`seed:${kind}:${name}`).digest("hex").slice(0, 24);
}

/** The default seed: project `Default`, custom cloud type `nutanix`, cluster profile `nutanix-k8s-1.30`. */
export function defaultState(): PaletteState {
  const def = { uid: seededUid("project", "Default"), name: "Default" };
  return {
    version: 1,
    tenantUid: seededUid("tenant", "emulator"),
    seq: 0,
    projects: [def],
    cloudTypes: {
      nutanix: {
        name: "nutanix",
        displayName: "Nutanix",
        cloudCategory: "datacenter",
        isCustom: true,
        content: {},
        accountKeys: ["NUTANIX_USER", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"],
      },
      vsphere: { name: "vsphere", displayName: "VMware vSphere", cloudCategory: "datacenter", isCustom: false, content: {}, accountKeys: [] },
      maas: { name: "maas", displayName: "MAAS", cloudCategory: "datacenter", isCustom: false, content: {}, accountKeys: [] },
    },
    profiles: [{ uid: seededUid("profile", "nutanix-k8s-1.30"), name: "nutanix-k8s-1.30", version: "1.0.0", cloudType: "nutanix", scope: def.uid }],
    overlords: {},
    accounts: {},
    clusters: {},
  };
}

/** Writes `data` to `file` atomically: temp file in the same directory, fsync, rename. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await fsp.open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

/** Reads a state file; null when it does not exist. A file that is not a state is an error naming it. */
export async function readStateFile(file: string): Promise<PaletteState | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new Error(`state file ${file}: not JSON (${(e as Error).message})`);
  }
  const s = j as Partial<PaletteState>;
  if (!s || s.version !== 1 || typeof s.overlords !== "object" || typeof s.clusters !== "object" || !Array.isArray(s.projects)) {
    throw new Error(`state file ${file}: not a palette-emulator state (expected version 1 with projects, overlords, clusters)`);
  }
  return s as PaletteState;
}
