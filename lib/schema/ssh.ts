/**
 * SSH public keys for the nodes' default user (cloud-init `ssh_authorized_keys`).
 */
import { z } from "zod";

/** Key types OpenSSH accepts in `authorized_keys` (sshd(8), "AUTHORIZED_KEYS FILE FORMAT"). */
export const SSH_KEY_TYPES: readonly string[] = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

/**
 * Why `line` is not a public key as `authorized_keys` holds it (`<type> <base64 blob> [comment]`, no
 * options), or undefined. The blob must be base64 whose first field (a uint32 length, then the name)
 * repeats the key type, as the SSH wire format puts it (RFC 4253 §6.6). Private keys are refused.
 */
export function sshPublicKeyProblem(line: string): string | undefined {
  if (/PRIVATE KEY/.test(line)) return "expected a public key, got what looks like a private key (value not shown)";
  if (/[\r\n]/.test(line)) return "expected one key on one line";
  const m = /^(\S+) ([A-Za-z0-9+/]+={0,3})(?: [^\r\n]*)?$/.exec(line.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return `expected '<type> <base64 key> [comment]' with type ${SSH_KEY_TYPES.join(", ")}`;
  const type = m[1];
  const b64 = m[2];
  if (!SSH_KEY_TYPES.includes(type)) return `expected a key type of ${SSH_KEY_TYPES.join(", ")}, got ${JSON.stringify(type.slice(0, 40))}`;
  const blob = Buffer.from(b64, "base64");
  const n = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (n !== type.length || blob.subarray(4, 4 + n).toString("latin1") !== type) {
    return `expected the base64 key to start with its type ${type} (SSH wire format), got a blob that does not`;
  }
  return undefined;
}

/** One SSH public key line. */
export const SshAuthorizedKey = z.string({ error: "expected an SSH public key such as 'ssh-ed25519 AAAA… user@host'" }).superRefine((s, ctx) => {
  const problem = sshPublicKeyProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** SSH public keys of a cluster or pool, at most 64 of them. */
export const SshAuthorizedKeys = z.array(SshAuthorizedKey).max(64, { error: "expected at most 64 SSH keys" });
