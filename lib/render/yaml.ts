/**
 * Deterministic YAML output shared by the renderers: objects keep the key order they were built
 * with (every renderer builds them in a fixed order), long lines are never folded, multi-line
 * strings become literal blocks, and anchors/aliases are never emitted.
 *
 * Written for YAML 1.1 readers: kubeadm, the kubelet and kubectl decode YAML with `sigs.k8s.io/yaml`
 * over go-yaml v2, and cloud-init with PyYAML, both YAML 1.1, where unquoted `yes`, `no`, `on`, `off`,
 * `y`, `n`, `~`, `0644` or `1_000` are booleans, null or numbers. The `yaml` package's 1.1 schema
 * (`version: "1.1"`) quotes every string that a 1.1 reader would resolve to anything but a string, so
 * a cluster named `on` or a taint value `yes` stays a string; the output reads the same under YAML 1.2.
 *
 * Speed (why part of this is written by hand): every synth renders the CAPX export and the user data
 * of every cluster, and the `yaml` package's document model made that a fifth of a synth's time
 * (`npm run bench -- synth`). The block layout of plain data — maps, sequences, scalars — is simple
 * and fixed by the options below, so `toYaml` lays it out itself and asks the `yaml` package only how
 * each distinct scalar and key is written (quoting, block literals, the 1.1 schema), memoized. Anything
 * else (a top-level scalar, a non-plain object, a key that needs the explicit `? ` form) goes to the
 * `yaml` package whole. The output is byte-identical to `stringify(value, OPTIONS)`: test/render/yaml.test.ts
 * compares the two on generated documents and every example's rendered files are snapshot-tested.
 */
import { stringify } from "yaml";

const OPTIONS = {
  version: "1.1",
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
  indent: 2,
  indentSeq: true,
} as const;

/** The `yaml` package's own rendering of `value` with this module's options (the reference output). */
export function toYamlReference(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** A value the hand layout does not handle: the whole document goes to the `yaml` package. */
class NotPlain extends Error {}

/** Memo of scalar and key renderings; bounded so a long-running handler does not grow without end. */
const MEMO_LIMIT = 20_000;
const scalarMemo = new Map<unknown, string[]>();
const keyMemo = new Map<string, string>();

/** Letter-first names of letters, digits, `.`, `_`, `/`, `-`: plain scalars under YAML 1.1 unless a bool/null word. */
const SIMPLE = /^[A-Za-z][A-Za-z0-9._/-]*$/;
/** Longer names go to the `yaml` package: a YAML implicit key has at most 1024 characters (YAML 1.2 §7.4.2). */
const SHORT = 1000;
/** YAML 1.1 bool and null words (yaml.org/type/bool.html, yaml.org/type/null.html) that SIMPLE would let through. */
const WORDS = new Set(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"]);

function remember<V>(memo: Map<unknown, V>, k: unknown, v: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(k, v);
  return v;
}

/**
 * A scalar as the value of a key at column 0, as lines: the first follows `key: `, the others (a block
 * literal's content) are indented for column 0 and get the caller's column prepended.
 */
function scalarLines(v: string | number | boolean | null): string[] {
  if (v === null) return ["null"];
  if (typeof v === "boolean") return [v ? "true" : "false"];
  if (typeof v === "string" && v.length < SHORT && SIMPLE.test(v) && !WORDS.has(v)) return [v];
  if (typeof v === "number" && Number.isSafeInteger(v) && !Object.is(v, -0)) return [String(v)];
  const memoKey = typeof v === "number" ? `\u0000n${String(Object.is(v, -0) ? "-0" : v)}` : v;
  const hit = scalarMemo.get(memoKey);
  if (hit) return hit;
  const text = stringify({ k: v }, OPTIONS);
  if (!text.startsWith("k: ") || !text.endsWith("\n")) throw new NotPlain();
  return remember(scalarMemo, memoKey, text.slice(3, -1).split("\n"));
}

function keyText(k: string): string {
  if (k.length < SHORT && SIMPLE.test(k) && !WORDS.has(k)) return k;
  const hit = keyMemo.get(k);
  if (hit !== undefined) return hit;
  const text = stringify({ [k]: 1 }, OPTIONS);
  if (!text.endsWith(": 1\n") || text.startsWith("? ") || text.indexOf("\n") !== text.length - 1) throw new NotPlain();
  return remember(keyMemo as Map<unknown, string>, k, text.slice(0, -4));
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

type Kind = "map" | "seq" | "empty-map" | "empty-seq" | "scalar";

function kindOf(v: unknown): Kind {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return "scalar";
  if (Array.isArray(v)) return v.length === 0 ? "empty-seq" : "seq";
  if (typeof v === "object" && isPlainObject(v)) {
    for (const k in v) if (v[k] !== undefined) return "map";
    return "empty-map";
  }
  throw new NotPlain();
}

/** Appends `lines` (a scalar's) after `head`; continuation lines get `col` spaces (empty lines none). */
function pushScalar(out: string[], head: string, v: unknown, col: number): void {
  const lines = scalarLines(v as string | number | boolean | null);
  out.push(head + lines[0]!);
  const pad = " ".repeat(col);
  for (let i = 1; i < lines.length; i++) out.push(lines[i] === "" ? "" : pad + lines[i]!);
}

/**
 * Lays out a non-empty map or sequence whose first line starts after `head` (already indented or
 * following `- `), at column `col`.
 */
function pushNode(out: string[], head: string, v: unknown, col: number): void {
  const pad = " ".repeat(col);
  let first = true;
  const lead = (): string => {
    const s = first ? head : pad;
    first = false;
    return s;
  };
  if (Array.isArray(v)) {
    for (const raw of v) {
      const item: unknown = raw === undefined ? null : raw;
      const k = kindOf(item);
      const h = `${lead()}- `;
      if (k === "map" || k === "seq") pushNode(out, h, item, col + 2);
      else if (k === "empty-map") out.push(`${h}{}`);
      else if (k === "empty-seq") out.push(`${h}[]`);
      else pushScalar(out, h, item, col);
    }
    return;
  }
  const obj = v as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const val = obj[key];
    if (val === undefined) continue;
    const k = kindOf(val);
    const h = `${lead()}${keyText(key)}:`;
    if (k === "map" || k === "seq") {
      out.push(h);
      pushNode(out, " ".repeat(col + 2), val, col + 2);
    } else if (k === "empty-map") out.push(`${h} {}`);
    else if (k === "empty-seq") out.push(`${h} []`);
    else pushScalar(out, `${h} `, val, col);
  }
}

/**
 * The hand layout of `value`, or undefined where it is not plain data (then only the `yaml` package
 * writes it). Exported for the test that compares it with the package. @internal
 */
export function layoutYaml(value: unknown): string | undefined {
  try {
    const k = kindOf(value);
    if (k !== "map" && k !== "seq") return undefined;
    const out: string[] = [];
    pushNode(out, "", value, 0);
    out.push("");
    return out.join("\n");
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

/** One YAML document for `value`, ending with a newline. Same input, byte-identical output. */
export function toYaml(value: unknown): string {
  return layoutYaml(value) ?? stringify(value, OPTIONS);
}

/** Several YAML documents separated by `---`, ending with a newline. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join("");
}
