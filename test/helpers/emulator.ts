/**
 * Test helpers: start the emulator on an ephemeral loopback port (HTTP or HTTPS) and always stop it;
 * make clients that trust its certificate; send raw HTTP requests (for wire-level assertions).
 */
import * as http from "node:http";
import * as https from "node:https";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorOptions, type RunningEmulator, type SeedInput } from "../../lib/emulator";
import { PrismClient, type PrismClientOptions, type VmIntentInput } from "../../lib/prism";

export interface EmulatorHarness {
  emu: RunningEmulator;
  /** A client of this emulator (trusting its CA when https); closed automatically. Fast retries by default. */
  client(overrides?: Partial<PrismClientOptions>): PrismClient;
  /** A raw request to the emulator; `auth: false` sends no credentials. */
  raw(method: string, p: string, init?: { body?: string | object; auth?: boolean | { username: string; password: string }; headers?: Record<string, string> }): Promise<RawResult>;
  /** Admin call under /_emulator. */
  admin<T = unknown>(method: string, p: string, body?: object): Promise<T>;
}

export interface RawResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export async function tempDir(prefix = "prism-test-"): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function rawRequest(
  baseUrl: string,
  method: string,
  p: string,
  init: { body?: string | object; basic?: { username: string; password: string }; headers?: Record<string, string>; ca?: string } = {},
): Promise<RawResult> {
  const url = new URL(p, baseUrl);
  if (!["127.0.0.1", "[::1]", "localhost"].includes(url.hostname)) throw new Error(`tests connect to loopback only, not ${url.hostname}`);
  const payload = init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const headers: Record<string, string> = { Accept: "application/json", ...(init.headers ?? {}) };
  if (payload !== undefined) {
    headers["Content-Type"] ??= "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(payload));
  }
  if (init.basic) headers.Authorization = `Basic ${Buffer.from(`${init.basic.username}:${init.basic.password}`).toString("base64")}`;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, headers, agent: false, ...(init.ca ? { ca: init.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * The seed tests use unless they name one: the shipped default seed plus an UNOWNED VM named
 * `pcg-host-default-1`, which collides with the first VM of the example's `default` pool, so tests
 * prove the handler never adopts, modifies or deletes a same-named VM it does not own.
 */
export const TEST_SEED_PATH = path.join(__dirname, "..", "fixtures", "seed-with-collision.json");

export async function withEmulator<T>(opts: EmulatorOptions, fn: (h: EmulatorHarness) => Promise<T>): Promise<T> {
  const seeded = opts.seed !== undefined || opts.seedPath !== undefined ? {} : { seedPath: TEST_SEED_PATH };
  const emu = await startEmulator({ host: "127.0.0.1", port: 0, ...seeded, ...opts });
  const clients: PrismClient[] = [];
  const h: EmulatorHarness = {
    emu,
    client(overrides = {}) {
      const c = new PrismClient({
        endpoint: emu.url,
        username: emu.username,
        password: emu.password,
        ...(emu.caPem ? { caBundle: emu.caPem } : {}),
        retries: { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 40 },
        ...overrides,
      });
      clients.push(c);
      return c;
    },
    raw(method, p, init = {}) {
      const auth = init.auth ?? true;
      const basic = auth === true ? { username: emu.username, password: emu.password } : auth === false ? undefined : auth;
      return rawRequest(emu.url, method, p, {
        ...(init.body !== undefined ? { body: init.body } : {}),
        ...(basic ? { basic } : {}),
        ...(init.headers ? { headers: init.headers } : {}),
        ...(emu.caPem ? { ca: emu.caPem } : {}),
      });
    },
    async admin<T>(method: string, p: string, body?: object): Promise<T> {
      const r = await h.raw(method, `/_emulator${p}`, body === undefined ? {} : { body });
      if (r.status >= 300) throw new Error(`admin ${method} ${p}: ${r.status} ${r.text}`);
      return r.json as T;
    },
  };
  try {
    return await fn(h);
  } finally {
    for (const c of clients) c.close();
    await emu.stop();
  }
}

/** A seed with `n` VMs named vm-00…, on PE-1/vm-net-20 (no pools needed for IPs beyond 100). */
export function seedWithVms(n: number, extra: { noSubnet?: boolean } = {}): SeedInput {
  return {
    prismCentral: { name: "pc-test" },
    clusters: [{ name: "PE-1" }, { name: "PE-2" }],
    subnets: [
      { name: "vm-net-20", cluster: "PE-1", vlanId: 20, cidr: "10.20.0.0/16", gateway: "10.20.0.1", pools: ["10.20.1.0-10.20.9.255"] },
      { name: "vm-net-30", cluster: "PE-2", vlanId: 30, cidr: "10.30.0.0/24", gateway: "10.30.0.1", pools: ["10.30.0.100-10.30.0.199"] },
    ],
    images: [{ name: "ubuntu-2204-kube-v1.30.5" }],
    vms: Array.from({ length: n }, (_, i) => ({
      name: `vm-${String(i).padStart(2, "0")}`,
      cluster: "PE-1",
      ...(extra.noSubnet ? {} : { subnet: "vm-net-20" }),
      powerState: (i % 2 === 0 ? "ON" : "OFF") as "ON" | "OFF",
    })),
  };
}

/** An empty inventory: PE-1/PE-2, two subnets with small pools, one image, no VMs. */
export const SMALL_SEED = {
  prismCentral: { name: "pc-test" },
  clusters: [{ name: "PE-1" }, { name: "PE-2" }],
  subnets: [
    { name: "vm-net-20", cluster: "PE-1", vlanId: 20, cidr: "10.20.0.0/24", gateway: "10.20.0.1", pools: ["10.20.0.100-10.20.0.102"] },
    { name: "vm-net-30", cluster: "PE-2", vlanId: 30, cidr: "10.30.0.0/24", gateway: "10.30.0.1", pools: ["10.30.0.100-10.30.0.199"] },
  ],
  images: [{ name: "ubuntu-2204-kube-v1.30.5", sizeBytes: 2147483648 }],
};

/** A small VM create body on PE-1 / vm-net-20 (or as given), resolved through the client. */
export async function vmBody(c: PrismClient, name: string, extra: { subnet?: string; cluster?: string; uuid?: string; categories?: Record<string, string> } = {}): Promise<VmIntentInput> {
  const pe = await c.resolveCluster({ name: extra.cluster ?? "PE-1" });
  const sn = await c.resolveSubnet({ name: extra.subnet ?? "vm-net-20" }, pe.uuid);
  const im = await c.resolveImage({ name: "ubuntu-2204-kube-v1.30.5" });
  const metadata: VmIntentInput["metadata"] = { kind: "vm" };
  if (extra.uuid) metadata.uuid = extra.uuid;
  if (extra.categories) {
    metadata.use_categories_mapping = true;
    metadata.categories_mapping = Object.fromEntries(Object.entries(extra.categories).map(([k, v]) => [k, [v]]));
  }
  return {
    metadata,
    spec: {
      name,
      cluster_reference: { kind: "cluster", uuid: pe.uuid },
      resources: {
        power_state: "ON",
        num_sockets: 2,
        memory_size_mib: 4096,
        disk_list: [{ data_source_reference: { kind: "image", uuid: im.uuid }, disk_size_mib: 40960 }],
        nic_list: [{ subnet_reference: { kind: "subnet", uuid: sn.uuid } }],
      },
    },
  };
}
