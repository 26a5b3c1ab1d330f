/** Small helpers of the emulator: deterministic UUIDs and MACs, a PRNG, a mutex (IPv4 arithmetic is in lib/net). */
import { createHash } from "node:crypto";

/** Namespace of the emulator's UUIDv5-style name-derived UUIDs. */
const NAMESPACE = Buffer.from("6f1c1d7e4b2a4c8e9a3f5d0b7e2c9a41", "hex");

/** A UUIDv5 (SHA-1, RFC 4122 layout) derived from `kind:name`, so seeded runs are repeatable. */
export function deterministicUuid(kind: string, name: string): string {
  const h = createHash("sha1").update(NAMESPACE).update(`${kind}:${name}`, "utf8").digest();
  const b = Buffer.from(h.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A MAC in Nutanix's OUI 50:6b:8d derived from a NIC uuid. */
export function macFor(nicUuid: string): string {
  const h = createHash("sha1").update(nicUuid).digest();
  return ["50", "6b", "8d", ...[0, 1, 2].map((i) => h[i]!.toString(16).padStart(2, "0"))].join(":");
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Serializes async sections: each `run` starts after the previous one settled. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
  /** Resolves when everything queued so far has finished. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
