/**
 * A child process for the lock tests: takes a local or remote stack lock as its JSON argument says,
 * prints one JSON line (`{"ok":true,"id":…,"joined":…}` or `{"ok":false,"message":…}`), holds the lock
 * until a line arrives on stdin (or `holdMs` passes), releases it and prints `{"released":…}`.
 */
import * as readline from "node:readline";
import { acquireLocalLock } from "../../lib/handler/lock/local";
import { acquireRemoteLock } from "../../lib/handler/lock/remote";
import { PrismClient } from "../../lib/prism";

interface ChildArgs {
  kind: "local" | "remote";
  identity: string;
  endpoint: string;
  plan: string;
  holder: string;
  dir?: string;
  lockTimeoutMs?: number;
  holdMs?: number;
  /** remote: the emulator and its credentials. */
  url?: string;
  username?: string;
  password?: string;
  settleMs?: number;
}

async function main(): Promise<number> {
  const a = JSON.parse(process.argv[2] ?? "{}") as ChildArgs;
  const client = a.kind === "remote" ? new PrismClient({ endpoint: a.url!, username: a.username!, password: a.password!, retries: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } }) : undefined;
  try {
    const held =
      a.kind === "local"
        ? await acquireLocalLock({ identity: a.identity, endpoint: a.endpoint, plan: a.plan, holder: a.holder, ...(a.dir ? { dir: a.dir } : {}), ...(a.lockTimeoutMs !== undefined ? { lockTimeoutMs: a.lockTimeoutMs, pollMs: 20 } : {}) })
        : await acquireRemoteLock(client!, { identity: a.identity, plan: a.plan, holder: a.holder, ...(a.settleMs !== undefined ? { settleMs: a.settleMs } : {}), ...(a.lockTimeoutMs !== undefined ? { lockTimeoutMs: a.lockTimeoutMs, pollMs: 20 } : {}) });
    console.log(JSON.stringify({ ok: true, id: held.id, joined: held.joined }));
    await new Promise<void>((resolve) => {
      const rl = readline.createInterface({ input: process.stdin });
      rl.once("line", () => {
        rl.close();
        resolve();
      });
      if (a.holdMs !== undefined) setTimeout(() => {
        rl.close();
        resolve();
      }, a.holdMs);
    });
    process.stdin.destroy(); // the parent's pipe would keep this process alive
    console.log(JSON.stringify({ released: await held.release() }));
    return 0;
  } catch (e) {
    console.log(JSON.stringify({ ok: false, message: (e as Error).message }));
    return 3;
  } finally {
    client?.close();
  }
}

void main().then((code) => {
  process.exitCode = code;
});
