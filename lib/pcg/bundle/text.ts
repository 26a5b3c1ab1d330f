/**
 * Text helpers of the install bundle: shell quoting, secret placeholders and URL redaction. Pure.
 */
import type { CredentialsRef, SecretRef } from "../../schema/refs";

/** A shell single-quoted word. */
export function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A placeholder for a secret: `${ENV}` or a description of the file it is read from. */
export function secretPlaceholder(ref: SecretRef): string | { file: string } {
  return ref.source === "env" ? `\${${ref.env}}` : { file: ref.path };
}

export function credentialPlaceholders(ref: CredentialsRef): { user: string; password: string } {
  if (ref.source === "env") return { user: `\${${ref.usernameEnv}}`, password: `\${${ref.passwordEnv}}` };
  return { user: `<"username" of ${ref.path}>`, password: `<"password" of ${ref.path}>` };
}

/** A URL with any user:password replaced by `<redacted>` (the rules refuse them; never copy them). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1<redacted>@");
  } catch {
    return url;
  }
}
