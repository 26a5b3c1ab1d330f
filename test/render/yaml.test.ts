/**
 * lib/render/yaml.ts lays out plain data by hand for speed; its output must be byte-identical to the
 * `yaml` package's with the same options. Compared here on tricky hand-picked documents and on
 * thousands of generated ones (seeded, so a failure reproduces), and the YAML 1.1 promises are checked
 * by reading the output back with the package's 1.1 parser.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { layoutYaml, toYaml, toYamlDocuments, toYamlReference } from "../../lib/render/yaml";
import { mulberry32 } from "../../lib/emulator/util";

const TRICKY_STRINGS = [
  "", " ", "  lead", "trail ", "x\ny", "x\ny\n", "x\n\ny\n\n", "\n", "\n\n", "a\n  \nb", " x\ny", "x \ny", "x\ny ",
  "#!/bin/sh\nset -eu\necho hi\n", "- x", "? x", ": x", "x: y", "x #y", "#c", "a b", "a\tb", "é", "日本", "\u0000", "\u2028",
  "y", "Y", "yes", "Yes", "YES", "yEs", "n", "no", "No", "on", "On", "ON", "oN", "off", "true", "False", "null", "Null", "~",
  "=", "<<", "0644", "0x1F", "1_000", "1:20", "1e3", ".inf", "-.inf", ".nan", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
  "123", "-1", "+1", "0.5", "1.", "@x", "`x", "!x", "&x", "*x", "|x", "%x", "'x'", '"x"', "{x}", "[x]", ",x", "x,y",
  "https://pc.example.com:9440/api", "node-role.kubernetes.io/control-plane", "v1.30.5", "kubeadm.k8s.io/v1beta3",
  "${CLUSTER_NAME}-cp-0", "k".repeat(1100), "long line ".repeat(40),
];
const TRICKY_NUMBERS = [0, -0, 1, -5, 12, 1.5, 0.1, 1e21, 1e-7, 2 ** 53, -(2 ** 53), 6443, NaN, Infinity, -Infinity];
const TRICKY_KEYS = ["a", "a b", "- k", "n", "y", "on", "", "multi\nkey", "x: y", "#k", "apiVersion", "k".repeat(1100), "1", "0644"];

test("yaml: hand layout equals the yaml package on hand-picked documents", () => {
  const docs: unknown[] = [
    { a: "x\ny", b: ["p\nq", { c: "m\nn\n" }], d: [["a", "b"], []], e: {}, f: [{}], g: [[{ z: 1 }]], m: null, n: [null] },
    { a: true, b: false, c: undefined, d: [undefined], e: { f: undefined } },
    { a: { b: { k: "\n" } } },
    ["\n", ["\n"]],
    Object.fromEntries(TRICKY_KEYS.map((k, i) => [k, TRICKY_STRINGS[i]])),
    TRICKY_STRINGS,
    TRICKY_STRINGS.map((s) => ({ [s.slice(0, 20) || "empty"]: s, list: [s, [s]] })),
    TRICKY_NUMBERS,
    { nums: TRICKY_NUMBERS, nested: TRICKY_NUMBERS.map((n) => ({ n })) },
    [],
    {},
    "top-level scalar",
    42,
    null,
    Object.create(null) as object,
  ];
  for (const d of docs) assert.equal(toYaml(d), toYamlReference(d), JSON.stringify(d)?.slice(0, 200));
  assert.equal(layoutYaml(docs[0]), toYamlReference(docs[0]));
  assert.equal(layoutYaml("top-level scalar"), undefined);
});

/** A seeded generator (the emulator's mulberry32), so a failing document can be reproduced from its seed. */
const rng = mulberry32;

function generate(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const roll = r();
  if (depth >= 4 || roll < 0.45) {
    const s = r();
    if (s < 0.6) return pick(TRICKY_STRINGS);
    if (s < 0.8) return pick(TRICKY_NUMBERS);
    if (s < 0.9) return r() < 0.5;
    return null;
  }
  const n = Math.floor(r() * 4);
  if (roll < 0.72) return Array.from({ length: n }, () => (r() < 0.05 ? undefined : generate(r, depth + 1)));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[r() < 0.7 ? pick(TRICKY_KEYS) : `key${i}`] = r() < 0.05 ? undefined : generate(r, depth + 1);
  return o;
}

test("yaml: hand layout equals the yaml package on 5000 generated documents", () => {
  let laidOut = 0;
  for (let seed = 1; seed <= 5000; seed++) {
    const g = generate(rng(seed), 0);
    const d = seed % 2 === 0 ? { root: g } : [g];
    const hand = layoutYaml(d);
    if (hand !== undefined) {
      laidOut++;
      assert.equal(hand, toYamlReference(d), `seed ${seed}`);
    }
    assert.equal(toYaml(d), toYamlReference(d), `seed ${seed}`);
  }
  // Most documents are maps or sequences of plain data: the hand layout, not the fallback, is what was compared.
  assert.ok(laidOut > 4500, `hand layout used for ${laidOut} of 5000`);
});

test("yaml: YAML 1.1 readers get strings for 1.1 booleans, nulls and numbers-looking strings", () => {
  const value = { name: "on", taint: "yes", mode: "0644", list: ["n", "off", "~", "1:20", "1_000"] };
  const text = toYaml(value);
  assert.deepEqual(parse(text, { version: "1.1" }), value);
  assert.deepEqual(parse(text), value);
});

test("yaml: documents are separated by --- and end with a newline", () => {
  assert.equal(toYamlDocuments([{ a: 1 }, ["b"]]), "---\na: 1\n---\n- b\n");
});
