/** Authentication: HTTP basic auth against the configured users, and the session cookie of GET /users/me. */
import { randomBytes } from "node:crypto";
import type * as http from "node:http";

export interface EmulatorUser {
  username: string;
  password: string;
}

/** The session cookie a real PC sets (nutanix.dev: "cache and send the following cookies", NTNX_IGW_SESSION). */
const SESSION_COOKIE = "NTNX_IGW_SESSION";
const SESSION_TTL_MS = 15 * 60 * 1000;

export class Auth {
  private readonly sessions = new Map<string, { user: string; expires: number }>();

  constructor(private readonly users: EmulatorUser[]) {}

  /** The user a request authenticates as (basic auth, else a live session cookie), or null. */
  authenticate(req: http.IncomingMessage): string | null {
    const h = req.headers.authorization;
    if (h && /^basic /i.test(h)) {
      const dec = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
      const i = dec.indexOf(":");
      if (i > 0) {
        const u = dec.slice(0, i);
        const p = dec.slice(i + 1);
        if (this.users.some((x) => x.username === u && x.password === p)) return u;
      }
      return null;
    }
    const cookie = req.headers.cookie;
    if (cookie) {
      for (const part of cookie.split(";")) {
        const [k, ...rest] = part.trim().split("=");
        if (k === SESSION_COOKIE) {
          const s = this.sessions.get(rest.join("="));
          if (s && s.expires > Date.now()) return s.user;
        }
      }
    }
    return null;
  }

  /** Opens a session for `user`; returns its Set-Cookie value. */
  openSession(user: string, secure: boolean): string {
    const token = randomBytes(24).toString("base64url");
    const expires = Date.now() + SESSION_TTL_MS;
    this.sessions.set(token, { user, expires });
    return `${SESSION_COOKIE}=${token}; Path=/; Expires=${new Date(expires).toUTCString()}; HttpOnly${secure ? "; Secure" : ""}`;
  }
}
