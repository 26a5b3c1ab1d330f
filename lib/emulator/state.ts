/**
 * The emulator's state: what the seed describes (Prism Central, PE clusters, subnets, images), the
 * VMs, tasks, categories and simulated endpoints; and its persistence as one JSON file written
 * atomically (temp file in the same directory, fsync, rename, fsync of the directory).
 */
import { promises as fsp } from "node:fs";
import * as path from "node:path";

export interface StoredCluster {
  uuid: string;
  name: string;
  version: string;
  externalIp: string;
  hypervisorIps: string[];
  creationTime: string;
}

export interface StoredGpu {
  name: string;
  deviceId: number;
  vendor: "NVIDIA" | "INTEL" | "AMD";
  mode: "PASSTHROUGH_GRAPHICS" | "PASSTHROUGH_COMPUTE" | "VIRTUAL";
}

/** A hypervisor host of a PE cluster (the seed names them only for their GPUs). */
export interface StoredHost {
  uuid: string;
  name: string;
  clusterUuid: string;
  gpus: StoredGpu[];
  creationTime: string;
}

export interface StoredPrismCentral {
  uuid: string;
  name: string;
  version: string;
  virtualIp: string;
}

export interface StoredPool {
  start: string;
  end: string;
}

export interface StoredSubnet {
  uuid: string;
  name: string;
  type: "VLAN" | "OVERLAY";
  clusterUuid?: string;
  vlanId?: number;
  subnetIp: string;
  prefixLength: number;
  gateway: string;
  pools: StoredPool[];
  dnsServers: string[];
  creationTime: string;
}

export interface StoredImage {
  uuid: string;
  name: string;
  imageType: "DISK_IMAGE" | "ISO_IMAGE";
  sizeBytes: number;
  sourceUri?: string;
  creationTime: string;
}

/** A JSON object as stored (specs are kept as the client sent them, plus NIC/disk uuids). */
export type JsonObject = { [key: string]: unknown };

export interface StoredNic {
  subnetUuid: string;
  mac: string;
  /** Address handed out from the subnet's pool (or requested statically). */
  ip?: string;
}

export interface StoredVmMetadata {
  spec_version: number;
  entity_version: number;
  categories: Record<string, string>;
  categories_mapping: Record<string, string[]>;
  use_categories_mapping: boolean;
  project_reference?: JsonObject;
  owner_reference: JsonObject;
  creation_time: string;
  last_update_time: string;
}

export interface StoredVm {
  uuid: string;
  metadata: StoredVmMetadata;
  spec: JsonObject;
  nics: Record<string, StoredNic>;
  createTask: string;
  /** When its create task fails, the VM stays, in state ERROR (the `keepFailedCreates` option). */
  keptOnFailure?: boolean | undefined;
  deleteTask?: string | undefined;
  taskUuids: string[];
  /** The previous spec, restored if the update task `task` fails. */
  rollback?: { task: string; spec: JsonObject; nics: Record<string, StoredNic>; metadata: StoredVmMetadata } | undefined;
}

export interface StoredTask {
  uuid: string;
  operation: string;
  entity: { kind: string; uuid: string; name?: string };
  clusterUuid?: string;
  createdAt: number;
  durationMs: number;
  fail?: { detail: string; code: string };
}

export interface StoredCategory {
  description: string;
  createdAt: string;
  values: Record<string, { description: string; createdAt: string }>;
}

/** A reservation of `POST /idempotence_identifiers` (PGC v3/mocks TestOperations_CreateIdempotenceIdentifers). */
export interface StoredReservation {
  count: number;
  /** ms since the epoch. */
  expiresAt: number;
  uuids: string[];
}

/** A project (`POST /projects/list`). */
export interface StoredProject {
  uuid: string;
  name: string;
}

export interface EmulatorState {
  version: 1;
  prismCentral: StoredPrismCentral;
  clusters: StoredCluster[];
  /** Absent in state files written before hosts existed (read as []). */
  hosts: StoredHost[];
  subnets: StoredSubnet[];
  images: StoredImage[];
  vms: Record<string, StoredVm>;
  tasks: Record<string, StoredTask>;
  categories: Record<string, StoredCategory>;
  /** "address:port" → ready (a simulated kube-vip VIP answering). Absent means ready. */
  endpoints: Record<string, boolean>;
  /** client_identifier → reservation (absent in older state files: read as {}). */
  idempotence: Record<string, StoredReservation>;
  /** Absent in older state files (read as the default project only). */
  projects: StoredProject[];
}

/** Writes `data` to `file` atomically: temp file in the same directory, fsync, rename, fsync of the directory. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  const fh = await fsp.open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  let dh: fsp.FileHandle | undefined;
  try {
    dh = await fsp.open(dir, "r");
    await dh.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await dh?.close();
  }
}

/** Reads a state file; null when it does not exist. Throws with the path on bad content. */
export async function readStateFile(file: string): Promise<EmulatorState | null> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`state file ${file}: not valid JSON (${(e as Error).message})`);
  }
  const s = parsed as Partial<EmulatorState>;
  if (!s || typeof s !== "object" || s.version !== 1 || !s.prismCentral || !Array.isArray(s.clusters) || typeof s.vms !== "object") {
    throw new Error(`state file ${file}: expected an emulator state (version 1 with prismCentral, clusters, subnets, images, vms, tasks, categories)`);
  }
  s.subnets ??= [];
  s.hosts ??= [];
  s.images ??= [];
  s.tasks ??= {};
  s.categories ??= {};
  s.endpoints ??= {};
  s.idempotence ??= {};
  s.projects ??= [];
  return s as EmulatorState;
}
