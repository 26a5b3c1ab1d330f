/** Durations on the command line: units, several parts, bare seconds, and clear refusals naming the flag. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../lib/handler/duration";
import { HandlerInputError } from "../../lib/handler/errors";

test("parseDuration: units, parts and bare seconds", () => {
  const rows: Array<[string, number]> = [
    ["30", 30_000],
    ["1.5", 1500],
    ["500ms", 500],
    ["90s", 90_000],
    ["20m", 1_200_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m30s", 150_000],
  ];
  for (const [text, ms] of rows) assert.equal(parseDuration("task-timeout", text), ms, text);
  assert.equal(formatDuration(1_800_000), "30m");
  assert.equal(formatDuration(90_000), "90s");
  assert.equal(formatDuration(1500), "1500ms");
});

test("parseDuration: bad text is refused, naming the flag, what is expected and what was given", () => {
  for (const text of ["", "soon", "10x", "m", "1h 30m", "-5s", "0", "0s"]) {
    assert.throws(
      () => parseDuration("request-timeout", text),
      (e: unknown) => e instanceof HandlerInputError && e.message.startsWith("--request-timeout: expected a duration") && e.message.includes(JSON.stringify(text)),
      text,
    );
  }
});
