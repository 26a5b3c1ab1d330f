/** Spawns test/helpers/lock-child.ts as a real child process and talks to it line by line. */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";

export interface LockChild {
  readonly proc: ChildProcess;
  /** The next JSON line the child prints. */
  next(): Promise<Record<string, unknown>>;
  /** Asks the child to release and waits for its exit. */
  release(): Promise<Record<string, unknown>>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const SCRIPT = path.join(__dirname, "..", "..", "helpers", "lock-child.ts");

export function lockChild(args: Record<string, unknown>): LockChild {
  const proc = spawn(process.execPath, ["--import", "tsx", SCRIPT, JSON.stringify(args)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  readline.createInterface({ input: proc.stdout! }).on("line", (l) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const next = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const take = (l: string) => resolve(JSON.parse(l) as Record<string, unknown>);
      const l = lines.shift();
      if (l !== undefined) return take(l);
      waiters.push(take);
      void exited.then(() => setTimeout(() => reject(new Error("the lock child exited without a line")), 50));
    });
  return {
    proc,
    next,
    exited,
    async release() {
      proc.stdin!.end("release\n");
      const line = await next();
      await exited;
      return line;
    },
  };
}
