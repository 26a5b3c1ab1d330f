/**
 * Progress on stderr: one line per action with its timing, and a summary table at the end. On a TTY a
 * compact live line (running resources, VMs done) is redrawn in place between action lines.
 */
import type { ResourceResult } from "./types";

/** Where progress goes. */
export interface ProgressSink {
  /** One action line (no trailing newline). */
  line(text: string): void;
}

/** Formats milliseconds as `0.52s` / `12.3s` / `2m05s`. */
export function formatMs(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, "0")}s`;
}

/** A plain text table with a header rule. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Widest DETAIL cell of the summary table, in characters. */
export const DETAIL_WIDTH = 100;

/**
 * One table cell of at most `width` characters: the first line of `text`, ending with `…` when
 * anything (the rest of the line, or further lines) was cut.
 */
export function cell(text: string, width: number = DETAIL_WIDTH): string {
  const lines = text.split("\n");
  const first = lines[0]!;
  const cut = first.length > width || lines.slice(1).some((l) => l.trim() !== "");
  if (!cut) return first;
  return `${[...first].slice(0, width - 1).join("").trimEnd()}…`;
}

/** The summary table of a run. */
export function summaryTable(results: readonly ResourceResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.action,
    r.result === "ok" ? "ok" : r.result === "skipped" ? "skipped" : "FAILED",
    r.result === "skipped" ? "-" : formatMs(r.ms),
    cell(r.error ?? r.detail ?? ""),
  ]);
  return formatTable(["RESOURCE", "ACTION", "RESULT", "TIME", "DETAIL"], rows);
}

/** Progress reporter of one run. */
export class Progress {
  private readonly t0 = Date.now();
  private live = "";
  private readonly running = new Set<string>();
  private done = 0;
  private resourcesDone = 0;
  private total = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ProgressSink,
    private readonly tty: { write(text: string): void } | undefined = undefined,
  ) {
    if (this.tty) {
      this.timer = setInterval(() => this.redraw(), 250);
      this.timer.unref();
    }
  }

  /** Seconds since the start, as a prefix. */
  private stamp(): string {
    return `[${formatMs(Date.now() - this.t0).padStart(7)}]`;
  }

  private clearLive(): void {
    if (this.tty && this.live) {
      this.tty.write("\r\x1b[2K");
      this.live = "";
    }
  }

  private redraw(): void {
    if (!this.tty) return;
    const names = [...this.running];
    const text = names.length === 0 ? "" : `… ${formatMs(Date.now() - this.t0)}  ${this.total ? `${this.resourcesDone}/${this.total} resources, ` : ""}${this.done} VM step(s) done; running: ${names.slice(0, 3).join(", ")}${names.length > 3 ? ` +${names.length - 3}` : ""}`;
    this.tty.write(`\r\x1b[2K${text.slice(0, 160)}`);
    this.live = text;
  }

  /** An action line of a resource. */
  action(resourceId: string, text: string, ms?: number): void {
    this.clearLive();
    this.sink.line(`${this.stamp()} ${resourceId}: ${text}${ms !== undefined ? ` (${formatMs(ms)})` : ""}`);
    if (ms !== undefined) this.done++;
    if (this.tty) this.redraw();
  }

  /** How many resources this run settles (the `n` of `k/n`). */
  setTotal(total: number): void {
    this.total = total;
  }

  /** The final line of a resource (ok, failed or skipped), counted: `… [k/n]`. */
  settled(resourceId: string, text: string, ms?: number): void {
    this.resourcesDone++;
    this.action(resourceId, `${text}${this.total ? ` [${this.resourcesDone}/${this.total}]` : ""}`, ms);
  }

  /** A free line (warnings, headings). */
  note(text: string): void {
    this.clearLive();
    this.sink.line(text);
  }

  start(resourceId: string): void {
    this.running.add(resourceId);
  }

  finish(resourceId: string): void {
    this.running.delete(resourceId);
  }

  /** Stops the live line. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }
}
