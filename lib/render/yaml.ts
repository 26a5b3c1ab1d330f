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

/** One YAML document for `value`, ending with a newline. Same input, byte-identical output. */
export function toYaml(value: unknown): string {
  return stringify(value, OPTIONS);
}

/** Several YAML documents separated by `---`, ending with a newline. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join("");
}
