/**
 * Durations on the command line (`--task-timeout`, `--request-timeout`): a number with a unit, `ms`, `s`,
 * `m` or `h`, several parts allowed (`1h30m`, `2m30s`, `500ms`); a bare number is seconds. Pure.
 */
import { HandlerInputError } from "./errors";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;

/** Milliseconds of a duration text, or a HandlerInputError naming the flag, what was expected and what was given. */
export function parseDuration(flag: string, text: string): number {
  const expected = `--${flag}: expected a duration such as 30s, 20m, 1h30m or 500ms (a bare number is seconds), got ${JSON.stringify(text)}`;
  const t = text.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    ms = 0;
    PART.lastIndex = 0;
    while (PART.lastIndex < t.length) {
      const start = PART.lastIndex;
      const m = PART.exec(t);
      if (!m || m.index !== start) throw new HandlerInputError(expected);
      ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    }
    if (t.length === 0) throw new HandlerInputError(expected);
  }
  ms = Math.round(ms);
  if (!Number.isFinite(ms) || ms <= 0) throw new HandlerInputError(`--${flag}: expected a duration above zero, got ${JSON.stringify(text)}`);
  return ms;
}

/** A duration for messages: `90s`, `30m`, `1500ms`. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
