/**
 * Keeps secrets (the API key, cloud-account passwords) out of every log line and error: the client registers
 * each secret it is given or sends, and every text it emits passes {@link Redactor.text}.
 */

/** The mask written instead of a secret. */
export const MASK = "***";

/** Credential keys whose values are secrets (e.g. `NUTANIX_PASSWORD`). */
export const SECRET_KEY = /pass(word)?|secret|token|apikey|api_key|private/i;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret; values shorter than 4 characters are masked too, but only as whole strings. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret !== "") this.secrets.add(secret);
  }

  /** Registers every value of a credentials map whose key names a secret. */
  addCredentials(credentials: Record<string, string> | undefined): void {
    for (const [k, v] of Object.entries(credentials ?? {})) if (SECRET_KEY.test(k)) this.add(v);
  }

  /** The text with every registered secret replaced by {@link MASK}. */
  text(s: string): string {
    let out = s;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (secret.length < 4) {
        if (out === secret) out = MASK;
        continue;
      }
      out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** A deep copy of a JSON value with secrets masked in every string. */
  value(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)]));
    return v;
  }
}
