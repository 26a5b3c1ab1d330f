/**
 * The run's one cache: every memoized read (the VM list, the running-task list, composite lookups,
 * category lists, the emulator check, a cluster's secrets) is an entry here, keyed by what it computes.
 * Entity lists behind the name lookups are cached by the Prism client itself (lib/prism/lookups.ts), so
 * the handler does not cache them a second time.
 */
export class RunCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  /**
   * The value of `key`, computed by `fn` the first time. With `retryOnFailure` a rejected computation is
   * forgotten, so the next caller tries again (category writes); otherwise the rejection is kept for the run.
   */
  once<T>(key: string, fn: () => Promise<T>, options: { retryOnFailure?: boolean } = {}): Promise<T> {
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit) return hit;
    const p = fn();
    this.entries.set(key, p);
    if (options.retryOnFailure) {
      p.catch(() => {
        if (this.entries.get(key) === p) this.entries.delete(key);
      });
    }
    return p;
  }

  /** The entry of `key` if there is one (never computes). */
  peek<T>(key: string): Promise<T> | undefined {
    return this.entries.get(key) as Promise<T> | undefined;
  }

  /** Replaces the entry of `key` (a value this run learned, e.g. the empty value list of a key it created). */
  set<T>(key: string, value: Promise<T>): void {
    this.entries.set(key, value);
  }
}
