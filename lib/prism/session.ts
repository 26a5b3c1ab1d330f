/** Authentication headers: basic auth, or the session cookies kept from a login. */
import type { RawResponse } from "./transport";

export interface Credentials {
  username: string;
  password: string;
}

export class Session {
  private readonly cookies = new Map<string, string>();

  /** `credentials` is read on every basic-auth request. */
  constructor(private readonly credentials: Credentials) {}

  /** True when session cookies are held. */
  get active(): boolean {
    return this.cookies.size > 0;
  }

  /** The cookies when asked for and held, else basic auth. */
  headers(useCookies: boolean): Record<string, string> {
    if (useCookies && this.cookies.size > 0) {
      return { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    }
    const token = Buffer.from(`${this.credentials.username}:${this.credentials.password}`, "utf8").toString("base64");
    return { Authorization: `Basic ${token}` };
  }

  /** Keeps the cookies an answer sets. */
  keepCookies(res: RawResponse): void {
    const set = res.headers["set-cookie"];
    if (!set) return;
    for (const line of set) {
      const first = line.split(";")[0] ?? "";
      const eq = first.indexOf("=");
      if (eq <= 0) continue;
      this.cookies.set(first.slice(0, eq).trim(), first.slice(eq + 1).trim());
    }
  }

  /** Drops the cookies; later requests use basic auth. */
  clear(): void {
    this.cookies.clear();
  }
}
