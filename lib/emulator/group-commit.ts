/**
 * Group commit of the state file. Every state change bumps `changed`; a flush serializes the state as
 * it is at that moment (so it holds every change up to `changed` then), writes it atomically, and
 * acknowledges every change it holds. Changes made while a flush runs wait for the next one, which
 * serializes them all at once: N concurrent writes cost one or two file rewrites instead of N, and
 * still no answer leaves before the file that contains its change is on disk.
 */
import { writeFileAtomic } from "./state";

export class GroupCommit {
  private changed = 0;
  private flushed = 0;
  private flushing: Promise<void> | null = null;
  private readonly waiting: Array<{ gen: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  /** How many state files were written (group commits) since start. */
  flushes = 0;

  /** `serialize` returns the state as it is now; without a state file nothing is written. */
  constructor(
    private readonly statePath: string | undefined,
    private readonly serialize: () => string,
  ) {}

  /** Writes the whole state now (start-up). Requests use {@link markChanged} and {@link durable} instead. */
  async persist(): Promise<void> {
    if (this.statePath) await writeFileAtomic(this.statePath, this.serialize());
  }

  /** Records a change of the state (call under the mutex, right after the change). */
  markChanged(): void {
    this.changed++;
  }

  /**
   * Resolves once every change made so far is on disk (immediately without a state file or when
   * nothing is pending). Reads wait too, so no answer ever shows a change that a crash could lose.
   */
  durable(): Promise<void> {
    const gen = this.changed;
    if (!this.statePath || this.flushed >= gen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ gen, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((done) => {
      // One macrotask of grace lets every request already parsed in this turn join the flush.
      setImmediate(() => {
        void this.flushLoop().finally(() => {
          this.flushing = null;
          done();
          if (this.waiting.length > 0) this.scheduleFlush();
        });
      });
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.flushed < this.changed) {
      const gen = this.changed;
      const text = this.serialize();
      try {
        await writeFileAtomic(this.statePath!, text);
        this.flushes++;
        this.flushed = gen;
      } catch (e) {
        // Fail the writers this flush was for; later changes get a fresh attempt.
        const failed = this.waiting.filter((w) => w.gen <= gen);
        this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.gen > gen));
        for (const w of failed) w.reject(e);
        return;
      }
      const ready = this.waiting.filter((w) => w.gen <= this.flushed);
      this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.gen > this.flushed));
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves when no flush is running or pending. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
