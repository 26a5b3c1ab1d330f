/**
 * Kubernetes version arithmetic for upgrades (kubernetes.io "Version Skew Policy"; kubeadm "Upgrading
 * kubeadm clusters": "skipping MINOR versions when upgrading is unsupported"; downgrades are not supported).
 */

/** A parsed `vMAJOR.MINOR.PATCH`. */
export interface KubeVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `v1.30.2` or `1.30.2`; undefined when it is not a version. */
export function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

/** Orders two versions (negative: a < b). */
export function compareKubeVersions(a: KubeVersion, b: KubeVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export const formatKubeVersion = (v: KubeVersion): string => `v${v.major}.${v.minor}.${v.patch}`;

/** What moving from `current` to `desired` is. */
export type VersionChange =
  | { kind: "same" }
  | { kind: "patch" }
  | { kind: "minor" }
  | { kind: "refuse"; reason: string };

/** The control plane's version step: same, a patch change, one minor up, or refused with the reason. */
export function versionChange(current: string, desired: string): VersionChange {
  const c = parseKubeVersion(current);
  const d = parseKubeVersion(desired);
  if (!c) return { kind: "refuse", reason: `running version ${JSON.stringify(current)} is not vMAJOR.MINOR.PATCH` };
  if (!d) return { kind: "refuse", reason: `desired version ${JSON.stringify(desired)} is not vMAJOR.MINOR.PATCH` };
  const cmp = compareKubeVersions(d, c);
  if (cmp === 0) return { kind: "same" };
  if (cmp < 0) {
    return { kind: "refuse", reason: `downgrade from ${formatKubeVersion(c)} to ${formatKubeVersion(d)} is not supported (Kubernetes version skew policy: no downgrades)` };
  }
  if (d.major !== c.major) return { kind: "refuse", reason: `major version change ${formatKubeVersion(c)} -> ${formatKubeVersion(d)} is not supported` };
  if (d.minor === c.minor) return { kind: "patch" };
  if (d.minor === c.minor + 1) return { kind: "minor" };
  return {
    kind: "refuse",
    reason: `upgrade from ${formatKubeVersion(c)} to ${formatKubeVersion(d)} skips ${d.minor - c.minor - 1} minor version(s); kubeadm upgrades one minor at a time (next: v${c.major}.${c.minor + 1}.x)`,
  };
}

/** The lowest of some versions (unparseable ones ignored); undefined when none parses. */
export function lowestVersion(versions: readonly (string | undefined)[]): string | undefined {
  let low: KubeVersion | undefined;
  for (const v of versions) {
    const p = v === undefined ? undefined : parseKubeVersion(v);
    if (p && (!low || compareKubeVersions(p, low) < 0)) low = p;
  }
  return low ? formatKubeVersion(low) : undefined;
}
