/**
 * apply (issue 12 item 8): the emulator in its own process with 200 ms per request and VM tasks of
 * 5 s (create) and 2 s (update, delete); the handler in this process (applyPlan) through a recording
 * loopback proxy in a process of its own (recorder-child.ts). Rows: 10 VMs at parallelism 1, 100 at 10 and
 * 100 at 50 (pools of 10 VMs).
 *
 * floor = start-up round trips × latency + ⌈N / p⌉ × (create task + POST round trip + one poll round trip);
 * ratio = wall ÷ floor (goal ≤ 1.05); pollsPerTask = GET /tasks ÷ VM creates (goal ≤ 2). peers: the same
 * row with the handler's task polling replaced by CAPX's and TPN's schedules (peers.ts), as
 * wallPeer ÷ wallOurs (goal ≥ 1.1 each). Every run starts a fresh emulator; a warm-up applies the
 * control plane first (not measured), which fills the run's task durations cache as an earlier
 * `cdktf deploy` would.
 */
import { estatePlan, round, table, verdict, type EstateParams } from "./common";
import { measureRow, withRecordedEmulator, type ApplyEnv, type RowMeasure } from "./apply-run";
import { PEER_SCHEDULES, replaceTaskPolling, type PeerName } from "./peers";

export const APPLY_GOAL = 1.05;
export const POLLS_GOAL = 2;
export const PEER_GOAL = 1.1;
export const APPLY_ENV: ApplyEnv = { latencyMs: 200, taskMs: 5000, createTaskMs: 5000, updateTaskMs: 2000, deleteTaskMs: 2000, persist: true };
/** The environment of noop and scale (fast: they count calls and writes, not waiting). */
export const FAST_ENV: ApplyEnv = { latencyMs: 20, taskMs: 500, persist: true };
/** The estate of noop: 10 pools × 10 VMs. */
export const APPLY_ESTATE: EstateParams = { stack: "bench", clusters: 1, workerPools: 10, replicas: 10 };
export const APPLY_ROWS: ReadonlyArray<{ vms: number; parallelism: number }> = [
  { vms: 10, parallelism: 1 },
  { vms: 100, parallelism: 10 },
  { vms: 100, parallelism: 50 },
];

/** The floor of a row (ms). */
export function floorMs(env: ApplyEnv, vms: number, parallelism: number, startupRoundTrips: number): number {
  const task = env.createTaskMs ?? env.taskMs;
  return startupRoundTrips * env.latencyMs + Math.ceil(vms / parallelism) * (task + 2 * env.latencyMs);
}

export interface ApplyRow extends Omit<RowMeasure, "byRoute"> {
  floorMs: number;
  verdict: string;
  pollsVerdict: string;
  peers: Record<PeerName, number>;
  peerWallMs: Record<PeerName, number>;
  peersVerdict: string;
}

async function once(vms: number, parallelism: number, peer?: PeerName): Promise<RowMeasure> {
  const estate: EstateParams = { stack: "bench", clusters: 1, workerPools: vms / 10, replicas: 10 };
  const plan = estatePlan(estate);
  const around = <T>(fn: () => Promise<T>): Promise<T> => (peer ? replaceTaskPolling(PEER_SCHEDULES[peer], fn) : fn());
  return withRecordedEmulator(APPLY_ENV, (emu) => measureRow(emu, plan, estate, parallelism, (s) => floorMs(APPLY_ENV, vms, parallelism, s), around));
}

export async function runApply(opts: { rows?: ReadonlyArray<{ vms: number; parallelism: number }>; log?: (line: string) => void } = {}): Promise<{ figures: unknown; text: string }> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const rows: ApplyRow[] = [];
  const routes: Record<string, Record<string, number>> = {};
  for (const { vms, parallelism } of opts.rows ?? APPLY_ROWS) {
    const { byRoute, ...m } = await once(vms, parallelism);
    log(`  ${vms} VMs at ${parallelism}: ours ${m.wallMs} ms (floor ${m.idealMs} ms, ${m.startupRoundTrips} start-up round trips)`);
    const peerWallMs = {} as Record<PeerName, number>;
    for (const peer of Object.keys(PEER_SCHEDULES) as PeerName[]) {
      peerWallMs[peer] = (await once(vms, parallelism, peer)).wallMs;
      log(`  ${vms} VMs at ${parallelism}: ${peer} ${peerWallMs[peer]} ms`);
    }
    const peers = { capx: round(peerWallMs.capx / m.wallMs, 3), tpn: round(peerWallMs.tpn / m.wallMs, 3) };
    rows.push({
      ...m,
      floorMs: m.idealMs,
      ratio: round(m.ratio, 3),
      callsPerVm: round(m.callsPerVm, 2),
      writesPerVm: round(m.writesPerVm, 2),
      pollsPerVm: round(m.pollsPerVm, 2),
      pollsPerTask: round(m.pollsPerTask, 2),
      verdict: verdict(m.ratio, APPLY_GOAL),
      pollsVerdict: verdict(m.pollsPerTask, POLLS_GOAL),
      peers,
      peerWallMs,
      peersVerdict: Math.min(peers.capx, peers.tpn) >= PEER_GOAL ? "meets" : "MISSES",
    });
    routes[`${vms}@p${parallelism}`] = byRoute;
  }
  const e = APPLY_ENV;
  const text = [
    `apply: latency ${e.latencyMs} ms per request, VM tasks ${e.createTaskMs} ms create / ${e.updateTaskMs} ms update / ${e.deleteTaskMs} ms delete; emulator in its own process with a state file; handler in-process (applyPlan) through a recording proxy in a third process`,
    `floor = start-up round trips × ${e.latencyMs} + ⌈N/p⌉ × (${e.createTaskMs} + 2 × ${e.latencyMs}) ms`,
    table(
      rows.map((r) => ({
        VMs: r.vms,
        p: r.parallelism,
        "wall ms": r.wallMs,
        "floor ms": r.floorMs,
        "start-up RTs": r.startupRoundTrips,
        "finish RTs": r.finishRoundTrips,
        ratio: r.ratio,
        [`≤ ${APPLY_GOAL}`]: r.verdict,
        "polls/task": r.pollsPerTask,
        [`≤ ${POLLS_GOAL}`]: r.pollsVerdict,
        "calls/VM": r.callsPerVm,
        "capx ÷ ours": r.peers.capx,
        "tpn ÷ ours": r.peers.tpn,
        [`≥ ${PEER_GOAL}`]: r.peersVerdict,
        retries: r.clientRetries,
      })),
    ),
  ].join("\n");
  return { figures: { env: APPLY_ENV, goal: APPLY_GOAL, pollsGoal: POLLS_GOAL, peersGoal: PEER_GOAL, rows, routes }, text };
}
