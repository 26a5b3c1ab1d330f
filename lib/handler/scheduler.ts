/**
 * The scheduler: runs resources in dependency order, independent ones in parallel; a failure stops
 * what depends on it while independent work finishes. API writes share one semaphore (`--parallelism`).
 */

/** A counting semaphore, FIFO. */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];
  /** The most permits held at once (for tests and benchmarks). */
  peak = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`parallelism must be a whole number ≥ 1, got ${size}`);
    this.available = size;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.peak = Math.max(this.peak, this.size - this.available);
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }

  /** Runs `fn` holding one permit. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/** Maps over items with at most `limit` in flight; rejects with the first error after all settle. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let firstError: unknown;
  let failed = false;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        if (!failed) {
          failed = true;
          firstError = e;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker()));
  if (failed) throw firstError;
  return out;
}

/** Like mapLimit, but never rejects: every item's outcome. */
export async function settleLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<Array<PromiseSettledResult<R>>> {
  const out: Array<PromiseSettledResult<R>> = new Array(items.length);
  await mapLimit(items, limit, async (item, i) => {
    try {
      out[i] = { status: "fulfilled", value: await fn(item, i) };
    } catch (e) {
      out[i] = { status: "rejected", reason: e };
    }
  });
  return out;
}

/** A node of the dependency graph. */
export interface GraphNode {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** The outcome of one node. */
export type NodeOutcome<R> =
  | { status: "ok"; value: R; ms: number }
  | { status: "failed"; error: unknown; ms: number }
  | { status: "skipped"; reason: string; ms: 0 };

/**
 * Runs `run` for every node after its dependencies succeeded (dependencies outside `nodes` count as
 * done). A failed or skipped dependency skips the node with a reason naming it; independent nodes
 * keep going. Resolves when every node has an outcome; never rejects.
 */
export async function runGraph<N extends GraphNode, R>(nodes: readonly N[], run: (node: N) => Promise<R>): Promise<Map<string, NodeOutcome<R>>> {
  const ids = new Set(nodes.map((n) => n.id));
  const outcomes = new Map<string, NodeOutcome<R>>();
  const started = new Map<string, Promise<NodeOutcome<R>>>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const visit = (id: string): Promise<NodeOutcome<R>> => {
    const existing = started.get(id);
    if (existing) return existing;
    const node = byId.get(id)!;
    const p = (async (): Promise<NodeOutcome<R>> => {
      const deps = node.dependsOn.filter((d) => ids.has(d));
      const results = await Promise.all(deps.map((d) => visit(d).then((o) => [d, o] as const)));
      const bad = results.find(([, o]) => o.status !== "ok");
      if (bad) {
        const [d, o] = bad;
        return { status: "skipped", reason: `dependency ${d} ${o.status === "failed" ? "failed" : "was skipped"}`, ms: 0 };
      }
      const t0 = Date.now();
      try {
        const value = await run(node);
        return { status: "ok", value, ms: Date.now() - t0 };
      } catch (error) {
        return { status: "failed", error, ms: Date.now() - t0 };
      }
    })();
    started.set(id, p);
    void p.then((o) => outcomes.set(id, o));
    return p;
  };
  await Promise.all(nodes.map((n) => visit(n.id)));
  // Preserve the input order in the map.
  const ordered = new Map<string, NodeOutcome<R>>();
  for (const n of nodes) ordered.set(n.id, (await started.get(n.id))!);
  return ordered;
}
