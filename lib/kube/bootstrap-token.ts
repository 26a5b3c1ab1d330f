/**
 * Bootstrap tokens: the credential a new node presents to `kubeadm join` (kubernetes.io "Authenticating
 * with Bootstrap Tokens"; kubeadm `cmd/kubeadm/app/phases/bootstraptoken/node/token.go`).
 */
import { randomInt } from "node:crypto";
import { KubeInputError } from "./errors";

/** `[a-z0-9]{6}.[a-z0-9]{16}` (client-go `tools/bootstrap/token/api` BootstrapTokenPattern). */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** The group kubeadm gives its node-join tokens (kubeadm constants `NodeBootstrapTokenAuthGroup`). */
export const NODE_BOOTSTRAP_TOKEN_GROUP = "system:bootstrappers:kubeadm:default-node-token";

/** A bootstrap token, split as the API stores it. */
export interface BootstrapToken {
  readonly id: string;
  readonly secret: string;
  /** `id.secret`, what `kubeadm join --token` and `discovery.bootstrapToken.token` take. */
  readonly token: string;
}

/** A fresh random token from a CSPRNG (as client-go `bootstrap/token/util` GenerateBootstrapToken). */
export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number): string => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  const id = pick(6);
  const secret = pick(16);
  return { id, secret, token: `${id}.${secret}` };
}

/** Parses `id.secret`; the error never repeats the secret. */
export function parseBootstrapToken(token: string): BootstrapToken {
  const m = BOOTSTRAP_TOKEN_PATTERN.exec(token);
  if (!m) throw new KubeInputError("bootstrap token: expected [a-z0-9]{6}.[a-z0-9]{16}");
  return { id: m[1]!, secret: m[2]!, token };
}

/** The Secret that makes a token valid: `kube-system/bootstrap-token-<id>`, type `bootstrap.kubernetes.io/token`. */
export interface BootstrapTokenSecret {
  readonly apiVersion: "v1";
  readonly kind: "Secret";
  readonly metadata: { readonly name: string; readonly namespace: "kube-system" };
  readonly type: "bootstrap.kubernetes.io/token";
  /** Written as `stringData`; the API server stores it base64-encoded in `data`. */
  readonly stringData: Readonly<Record<string, string>>;
}

/**
 * The bootstrap-token Secret as kubeadm writes it (`token-id`, `token-secret`, `expiration` RFC 3339,
 * `usage-bootstrap-authentication` and `usage-bootstrap-signing` "true", `auth-extra-groups`): kube-apiserver
 * authenticates it as `system:bootstrap:<id>` in the extra groups until `expiration`, after which the
 * controller-manager's tokencleaner deletes it.
 */
export function bootstrapTokenSecret(
  token: BootstrapToken,
  opts: { ttlMs: number; now?: Date; description?: string; groups?: readonly string[] },
): BootstrapTokenSecret {
  if (!Number.isFinite(opts.ttlMs) || opts.ttlMs <= 0) throw new KubeInputError(`ttlMs: expected a positive duration, got ${opts.ttlMs}`);
  const groups = opts.groups ?? [NODE_BOOTSTRAP_TOKEN_GROUP];
  for (const g of groups) {
    if (!/^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/.test(g)) {
      throw new KubeInputError(`groups: expected system:bootstrappers:<name> (client-go BootstrapGroupPattern), got ${JSON.stringify(g)}`);
    }
  }
  const now = opts.now ?? new Date();
  const expiration = new Date(Math.floor((now.getTime() + opts.ttlMs) / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `bootstrap-token-${token.id}`, namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    stringData: {
      "auth-extra-groups": groups.join(","),
      description: opts.description ?? "created by nutanix-palette-cdk for joining nodes",
      expiration,
      "token-id": token.id,
      "token-secret": token.secret,
      "usage-bootstrap-authentication": "true",
      "usage-bootstrap-signing": "true",
    },
  };
}
