/**
 * Cordon and drain a node the way `kubectl drain` and Cluster API's machine controller do it: mark it
 * unschedulable, evict every pod the filter selects (evictions honour PodDisruptionBudgets; a 429 is retried
 * every `retryIntervalMs` — kubectl retries after 5 s), delete terminal pods, and wait until they are all
 * gone, or fail after `timeoutMs` (Cluster API's `nodeDrainTimeout`, kubectl's `--timeout`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DrainTimeoutError, KubeInputError } from "./errors";
import type { KubeClient } from "./api";
import { drainAction, podKey, podsToRemove } from "./drain-filter";

/** Options of {@link drainNode}. */
export interface DrainOptions {
  /** Give up after this many milliseconds; nothing is deleted by a drain that timed out. */
  readonly timeoutMs: number;
  /**
   * Pause between rounds (retry of blocked evictions, re-check of terminating pods).
   * @default 5000 (kubectl drain's eviction retry interval)
   */
  readonly retryIntervalMs?: number;
  /**
   * Progress lines (pod names and reasons only).
   * @default no output
   */
  readonly log?: (line: string) => void;
}

/** What a drain did. */
export interface DrainResult {
  readonly evicted: string[];
  readonly deleted: string[];
  readonly skipped: string[];
}

/** Cordons `nodeName` and drains it; throws {@link DrainTimeoutError} when pods remain after the timeout. */
export async function drainNode(client: KubeClient, nodeName: string, opts: DrainOptions): Promise<DrainResult> {
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new KubeInputError(`drainTimeout: expected a positive duration, got ${opts.timeoutMs}`);
  const interval = opts.retryIntervalMs ?? 5000;
  const log = opts.log ?? ((): void => undefined);
  const deadline = Date.now() + opts.timeoutMs;
  const evicted = new Set<string>();
  const deleted = new Set<string>();
  const skipped = new Set<string>();
  await client.cordon(nodeName, true);
  log(`cordoned node ${nodeName}`);
  let lastReason: string | undefined;
  for (;;) {
    const pods = await client.listPodsOnNode(nodeName);
    for (const p of pods) {
      const a = drainAction(p);
      if (a.action === "skip" && a.reason !== "terminating") skipped.add(podKey(p));
    }
    const remaining = podsToRemove(pods);
    if (remaining.length === 0) return { evicted: [...evicted].sort(), deleted: [...deleted].sort(), skipped: [...skipped].sort() };
    for (const p of remaining) {
      const key = podKey(p);
      const a = drainAction(p);
      const ns = p.metadata.namespace ?? "default";
      if (a.action === "delete") {
        if (await client.deletePod(ns, p.metadata.name)) deleted.add(key);
      } else if (a.action === "evict") {
        const r = await client.evictPod(ns, p.metadata.name);
        if (r.result === "evicted") {
          evicted.add(key);
          log(`evicted pod ${key}`);
        } else if (r.result === "blocked") {
          lastReason = `${key}: ${r.message}`;
          log(`eviction of pod ${key} refused, will retry: ${r.message}`);
        }
      }
    }
    if (Date.now() >= deadline) {
      const left = podsToRemove(await client.listPodsOnNode(nodeName));
      if (left.length === 0) return { evicted: [...evicted].sort(), deleted: [...deleted].sort(), skipped: [...skipped].sort() };
      throw new DrainTimeoutError(nodeName, opts.timeoutMs, left.map(podKey).sort(), lastReason);
    }
    await sleep(Math.min(interval, Math.max(1, deadline - Date.now())));
  }
}
