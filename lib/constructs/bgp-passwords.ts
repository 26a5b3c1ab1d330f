/**
 * The synth-time check of BGP peer passwords: kube-vip's `bgp_peers` value cannot carry a password
 * with `:` or `,`. The plan holds only a reference; when the referenced value is readable at synth
 * (the environment variable is set, the file exists) it is checked here, never recorded or echoed.
 * A value not readable at synth is checked again by the renderer at apply.
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { bgpPasswordProblem, type KubeVipEndpointPropsSchema } from "../schema/kube-vip";
import type { SecretRef } from "../schema/refs";

/** Reads a secret reference's value, or undefined when it is not readable now. */
export type SecretReader = (ref: SecretRef) => string | undefined;

/** The value of `ref` from the process environment or its file (trailing newline trimmed), if any. */
export function readSecret(ref: SecretRef): string | undefined {
  if (ref.source === "env") return process.env[ref.env];
  try {
    return readFileSync(ref.path, "utf8").replace(/\r?\n$/, "");
  } catch {
    return undefined;
  }
}

/** One message per peer whose readable password kube-vip cannot carry: `bgp.peers[<i>].password: …`. */
export function bgpPasswordIssues(data: z.output<typeof KubeVipEndpointPropsSchema>, read: SecretReader): string[] {
  const out: string[] = [];
  (data.bgp?.peers ?? []).forEach((p, i) => {
    if (!p.password) return;
    const value = read(p.password);
    const problem = value === undefined ? undefined : bgpPasswordProblem(value);
    if (problem) out.push(`bgp.peers[${i}].password: ${problem}`);
  });
  return out;
}
