/**
 * A recording loopback proxy in front of the emulator: every API request's method, path and its
 * start and end (ms, this process's clock), so a row can count the start-up round trips on the
 * critical path before the first VM create. It forwards bytes unchanged; loopback only.
 */
import { fork } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

export interface RecordedRequest {
  method: string;
  path: string;
  start: number;
  end: number;
}

export interface Recorder {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

export async function startRecorder(target: string): Promise<Recorder> {
  const t = new URL(target);
  if (t.hostname !== "127.0.0.1") throw new Error(`the recorder forwards to 127.0.0.1 only, not ${t.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const requests: RecordedRequest[] = [];
  // The request body is read first, so a request that met a keep-alive connection the emulator had just
  // closed (its idle timeout is 5 s, the length of a create task) is sent again once on a new connection:
  // Node's documented pattern for `reusedSocket` + ECONNRESET (nodejs.org, http, request.reusedSocket).
  // Such a request never reached the emulator; without this the client would see a reset the recorder made.
  const server = http.createServer((req, res) => {
    const start = Date.now();
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      const send = (again: boolean): void => {
        const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers, agent: again ? false : agent }, (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
          ur.on("end", () => requests.push({ method: req.method ?? "", path: req.url ?? "", start, end: Date.now() }));
        });
        up.on("error", (e: NodeJS.ErrnoException) => {
          if (!again && up.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE")) send(true);
          else res.destroy();
        });
        up.end(Buffer.concat(body));
      };
      send(false);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** A recorder in its own process (recorder-child.ts): the log is fetched, not shared. */
export interface RecorderProcess {
  url: string;
  /** Forgets the requests logged so far. */
  reset(): Promise<void>;
  /** The requests logged since the last reset. */
  requests(): Promise<RecordedRequest[]>;
  stop(): Promise<void>;
}

/** Starts the recorder in a child process (the bench's measured handler keeps its event loop to itself). */
export async function startRecorderProcess(target: string): Promise<RecorderProcess> {
  const child = fork(path.join(__dirname, "recorder-child.ts"), [target], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the recorder process exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (m) => {
        child.off("exit", onExit);
        resolve(m as T);
      });
    });
  const { url } = await next<{ url: string }>();
  return {
    url,
    reset: async () => {
      const answer = next<{ ok: true }>();
      child.send({ cmd: "reset" });
      await answer;
    },
    requests: async () => {
      const answer = next<{ requests: RecordedRequest[] }>();
      child.send({ cmd: "dump" });
      return (await answer).requests;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.send({ cmd: "stop" });
      await exited;
    },
  };
}

/** Whether a recorded request is a VM create (POST /api/nutanix/v3/vms). */
export function isVmCreate(r: RecordedRequest): boolean {
  return r.method === "POST" && /\/api\/nutanix\/v3\/vms\/?(\?|$)/.test(r.path);
}

/**
 * The start-up round trips: the longest chain of one-after-the-other requests that ended before the
 * first VM create was sent (earliest-end greedy; requests that overlap count once).
 */
export function startupRoundTrips(reqs: readonly RecordedRequest[]): number {
  const firstCreate = Math.min(...reqs.filter(isVmCreate).map((r) => r.start));
  const before = reqs.filter((r) => r.end <= firstCreate && !r.path.startsWith("/_emulator")).sort((a, b) => a.end - b.end);
  let n = 0;
  let last = -Infinity;
  for (const r of before) {
    if (r.start >= last) {
      n++;
      last = r.end;
    }
  }
  return n;
}

/** The round trips after the last task poll answered (recording the applied generation, releasing the lock…), counted as startupRoundTrips counts. */
export function finishRoundTrips(reqs: readonly RecordedRequest[]): number {
  const polls = reqs.filter((r) => r.method === "GET" && /\/api\/nutanix\/v3\/tasks\//.test(r.path));
  if (polls.length === 0) return 0;
  const lastPoll = Math.max(...polls.map((r) => r.end));
  const after = reqs.filter((r) => r.start >= lastPoll && !r.path.startsWith("/_emulator")).sort((a, b) => a.end - b.end);
  let n = 0;
  let last = -Infinity;
  for (const r of after) {
    if (r.start >= last) {
      n++;
      last = r.end;
    }
  }
  return n;
}
