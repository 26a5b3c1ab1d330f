/**
 * A syntactically real ed25519 public key line (SSH wire format: length-prefixed type, then the key),
 * built from fixed bytes: a test value, never a key anyone holds.
 */
export function ed25519KeyLine(seed: number, comment = "ops@example.com"): string {
  const type = Buffer.from("ssh-ed25519");
  const key = Buffer.alloc(32, seed);
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return `ssh-ed25519 ${Buffer.concat([len(type.length), type, len(key.length), key]).toString("base64")} ${comment}`;
}
