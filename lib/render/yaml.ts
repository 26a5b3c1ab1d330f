/**
 * Deterministic YAML output shared by the renderers: objects keep the key order they were built
 * with (every renderer builds them in a fixed order), long lines are never folded, multi-line
 * strings become literal blocks, and anchors/aliases are never emitted.
 */
import { stringify } from "yaml";

const OPTIONS = {
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
  indent: 2,
  indentSeq: true,
} as const;

/** One YAML document for `value`, ending with a newline. Same input, byte-identical output. */
export function toYaml(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** Several YAML documents separated by `---`, ending with a newline. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join("");
}
