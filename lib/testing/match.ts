/**
 * Deep partial matching for plan assertions: objects match when every expected key matches; arrays when
 * every expected element matches a distinct actual element (any order); scalars by equality. `Match`
 * adds a few explicit matchers, in the spirit of aws-cdk-lib/assertions.
 */

/** One difference between an expectation and a value. */
export interface Mismatch {
  /** Where, e.g. `machine.subnets[0].name`. */
  readonly path: string;
  /** What was expected. */
  readonly expected: string;
  /** What was found. */
  readonly actual: string;
}

/** The outcome of a match: leaf fields matched out of those expected, and the differences. */
export interface MatchResult {
  readonly matched: number;
  readonly total: number;
  readonly mismatches: readonly Mismatch[];
}

/** A custom matcher usable anywhere in an expectation. */
export abstract class Matcher {
  /** A description of what matches, for messages. */
  public abstract describe(): string;
  /** Matches `actual`; `present` is false when the key is absent. */
  public abstract test(actual: unknown, present: boolean): boolean;
}

class AbsentMatcher extends Matcher {
  describe() { return "absent"; }
  test(_actual: unknown, present: boolean) { return !present; }
}
class AnyValueMatcher extends Matcher {
  describe() { return "any value"; }
  test(actual: unknown, present: boolean) { return present && actual !== undefined && actual !== null; }
}
class ExactMatcher extends Matcher {
  constructor(private readonly value: unknown) { super(); }
  describe() { return `exactly ${show(this.value)}`; }
  test(actual: unknown) { return JSON.stringify(actual) === JSON.stringify(this.value); }
}
class RegexpMatcher extends Matcher {
  constructor(private readonly re: RegExp) { super(); }
  describe() { return `a string like ${this.re}`; }
  test(actual: unknown) { return typeof actual === "string" && this.re.test(actual); }
}

/** Explicit matchers for `hasResource` / `findResources` expectations. */
export class Match {
  /** The key must be absent. */
  public static absent(): Matcher { return new AbsentMatcher(); }
  /** The key must be present with a non-null value. */
  public static anyValue(): Matcher { return new AnyValueMatcher(); }
  /** The value must equal this exactly (no partial matching inside). */
  public static exact(value: unknown): Matcher { return new ExactMatcher(value); }
  /** The value must be a string matching `re`. */
  public static stringLikeRegexp(re: RegExp): Matcher { return new RegexpMatcher(re); }
  private constructor() {}
}

/** A short JSON rendering for messages. */
export function show(v: unknown): string {
  if (v instanceof Matcher) return v.describe();
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

const join = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Matches `actual` against the deep partial `expected`. */
export function matchPartial(expected: unknown, actual: unknown, path = "", present = true): MatchResult {
  if (expected instanceof Matcher) {
    const ok = expected.test(actual, present);
    return { matched: ok ? 1 : 0, total: 1, mismatches: ok ? [] : [{ path, expected: expected.describe(), actual: present ? show(actual) : "(absent)" }] };
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { matched: 0, total: leaves(expected), mismatches: [{ path, expected: show(expected), actual: present ? show(actual) : "(absent)" }] };
    return matchArray(expected, actual, path);
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return { matched: 0, total: leaves(expected), mismatches: [{ path, expected: show(expected), actual: present ? show(actual) : "(absent)" }] };
    let matched = 0;
    let total = 0;
    const mismatches: Mismatch[] = [];
    for (const key of Object.keys(expected)) {
      const r = matchPartial(expected[key], actual[key], join(path, key), Object.prototype.hasOwnProperty.call(actual, key));
      matched += r.matched;
      total += r.total;
      mismatches.push(...r.mismatches);
    }
    return { matched, total, mismatches };
  }
  const ok = present && Object.is(expected, actual);
  return { matched: ok ? 1 : 0, total: 1, mismatches: ok ? [] : [{ path, expected: show(expected), actual: present ? show(actual) : "(absent)" }] };
}

/** Each expected element must match a distinct actual element; greedy, best match first. */
function matchArray(expected: readonly unknown[], actual: readonly unknown[], path: string): MatchResult {
  const used = new Set<number>();
  let matched = 0;
  let total = 0;
  const mismatches: Mismatch[] = [];
  expected.forEach((e, i) => {
    let best: { index: number; result: MatchResult } | undefined;
    actual.forEach((a, j) => {
      if (used.has(j)) return;
      const r = matchPartial(e, a, join(path, j));
      if (!best || r.matched > best.result.matched || (r.mismatches.length === 0 && best.result.mismatches.length > 0)) best = { index: j, result: r };
    });
    if (best && best.result.mismatches.length === 0) {
      used.add(best.index);
      matched += best.result.matched;
      total += best.result.total;
      return;
    }
    total += leaves(e);
    matched += best?.result.matched ?? 0;
    mismatches.push({ path: join(path, i), expected: `an element like ${show(e)}`, actual: `none among ${show(actual)}` });
  });
  return { matched, total, mismatches };
}

/** Number of leaf expectations in `v`. */
function leaves(v: unknown): number {
  if (v instanceof Matcher) return 1;
  if (Array.isArray(v)) return v.reduce((n: number, e) => n + leaves(e), 0) || 1;
  if (isObject(v)) return Object.values(v).reduce((n: number, e) => n + leaves(e), 0) || 1;
  return 1;
}
