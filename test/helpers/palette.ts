/**
 * Test helpers of the Palette client and emulator: an in-process palette-emulator on a loopback port (always
 * stopped), clients with fast retries, raw requests, and cluster entities rendered from
 * terraform-provider-spectrocloud's Nutanix example templates (test/fixtures/palette/terraform-example).
 */
import * as http from "node:http";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PaletteClient, type PaletteClientOptions, type V1SpectroCustomClusterEntity, type V1CustomMachinePoolConfigEntity } from "../../lib/palette";
import { startPaletteEmulator, type LoggedRequest, type PaletteEmulator, type PaletteEmulatorOptions } from "../../lib/palette-emulator";

export const API_KEY = "emulator-api-key-7f3a9c";

export interface PaletteHarness {
  emu: PaletteEmulator;
  client(overrides?: Partial<PaletteClientOptions>): PaletteClient;
  raw(method: string, p: string, init?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: unknown }>;
  requests(): Promise<LoggedRequest[]>;
  clearRequests(): Promise<void>;
}

/** Runs `fn` with a fresh emulator (fast lifecycle steps by default). */
export async function withPalette<T>(fn: (h: PaletteHarness) => Promise<T>, opts: Partial<PaletteEmulatorOptions> = {}): Promise<T> {
  const emu = await startPaletteEmulator({ apiKey: API_KEY, stepMs: 40, ...opts });
  const clients: PaletteClient[] = [];
  const raw: PaletteHarness["raw"] = (method, p, init = {}) =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...(init.auth === false ? {} : { ApiKey: API_KEY }), ...(init.headers ?? {}) };
      let payload: string | undefined;
      if (init.body !== undefined) {
        payload = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
        headers["Content-Type"] ??= "application/json";
      }
      const req = http.request(new URL(p, emu.url), { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = undefined;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  const h: PaletteHarness = {
    emu,
    client: (overrides = {}) => {
      const c = new PaletteClient({ endpoint: emu.url, apiKey: API_KEY, retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5 }, timeoutMs: 5000, ...overrides });
      clients.push(c);
      return c;
    },
    raw,
    requests: async () => (await raw("GET", "/_emulator/requests")).json as LoggedRequest[],
    clearRequests: async () => void (await raw("DELETE", "/_emulator/requests")),
  };
  try {
    return await fn(h);
  } finally {
    for (const c of clients) c.close();
    await emu.stop();
  }
}

const FIXTURES = path.join(__dirname, "..", "fixtures", "palette", "terraform-example");

/** Renders a template the way Terraform's templatefile does: `${VAR}` from vars, `$${VAR}` to a literal `${VAR}`. */
export function renderTemplate(file: string, vars: Record<string, string | number>): string {
  const text = readFileSync(path.join(FIXTURES, file), "utf8");
  return text.replace(/(\$?)\$\{([A-Z0-9_]+)\}/g, (_m, esc: string, name: string) => {
    if (esc === "$") return `\${${name}}`;
    const v = vars[name];
    if (v === undefined) throw new Error(`${file}: no value for \${${name}}`);
    return String(v);
  });
}

const COMMON = {
  TLS_CIPHER_SUITES: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  KUBERNETES_VERSION: "v1.30.4",
  NUTANIX_SSH_AUTHORIZED_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample test@example",
  NUTANIX_PRISM_ELEMENT_CLUSTER_NAME: "pe-1",
  NUTANIX_MACHINE_TEMPLATE_IMAGE_NAME: "ubuntu-2204-kube-v1.30.4",
  NUTANIX_SUBNET_NAME: "vlan-100",
  NUTANIX_MACHINE_BOOT_TYPE: "legacy",
  NUTANIX_MACHINE_VCPU_SOCKET: 2,
  NUTANIX_MACHINE_VCPU_PER_SOCKET: 1,
  NUTANIX_SYSTEMDISK_SIZE: "40Gi",
};

/** A control-plane pool entity with `replicas` nodes. */
export function cpPool(cluster: string, replicas = 3, memory = "4Gi"): V1CustomMachinePoolConfigEntity {
  const values = renderTemplate("cp_pool_config.yaml", {
    ...COMMON,
    CLUSTER_NAME: cluster,
    CP_NODE_POOL_NAME: "cp-pool",
    CONTROL_PLANE_ENDPOINT_IP: "10.0.0.50",
    CONTROL_PLANE_ENDPOINT_PORT: 6443,
    KUBEVIP_SVC_ENABLE: "false",
    KUBEVIP_SVC_ELECTION: "false",
    KUBEVIP_LB_ENABLE: "false",
    NUTANIX_MACHINE_MEMORY_SIZE: memory,
  }).replace(/^ {2}replicas: 1$/m, `  replicas: ${replicas}`);
  return { cloudConfig: { values }, poolConfig: { isControlPlane: true, useControlPlaneAsWorker: false, taints: [], additionalLabels: {} } };
}

/** A worker pool entity; `template` renames its NutanixMachineTemplate (a machine change). */
export function workerPool(cluster: string, name: string, size: number, template = `${name}-mt-0`): V1CustomMachinePoolConfigEntity {
  const values = renderTemplate("worker_pool_config.yaml", { ...COMMON, CLUSTER_NAME: cluster, WORKER_NODE_POOL_NAME: name, WORKER_NODE_SIZE: size, NUTANIX_MACHINE_MEMORY_SIZE: "8Gi" }).replace(
    /name: worker-pool-resource/g,
    `name: ${template}`,
  );
  return { cloudConfig: { values }, poolConfig: { isControlPlane: false, taints: [], additionalLabels: { pool: name } } };
}

/** A create entity: cloud config, one CP pool of 3, two worker pools, and a profile. */
export function clusterEntity(name: string, accountUid: string, profileUid: string): V1SpectroCustomClusterEntity {
  const cloud = renderTemplate("cloud_config.yaml", {
    CLUSTER_NAME: name,
    NUTANIX_ENDPOINT: "pc.example.test",
    NUTANIX_PORT: 9440,
    NUTANIX_INSECURE: "false",
    NUTANIX_ADDITIONAL_TRUST_BUNDLE: "",
    CONTROL_PLANE_ENDPOINT_IP: "10.0.0.50",
    CONTROL_PLANE_ENDPOINT_PORT: 6443,
  });
  return {
    metadata: { name, labels: { env: "test" }, annotations: { description: "through Palette" } },
    spec: {
      cloudType: "nutanix",
      cloudAccountUid: accountUid,
      cloudConfig: { values: cloud },
      machinepoolconfig: [cpPool(name), workerPool(name, "workers-a", 2), workerPool(name, "workers-b", 1)],
      profiles: [{ uid: profileUid }],
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined (or times out). */
export async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 5000, everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await sleep(everyMs);
  }
}
