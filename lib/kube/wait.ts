/**
 * Waiting for a node to turn Ready, as KCP and the machine controller wait for a Machine's NodeRef and its
 * Ready condition before the next step. While the API does not answer (the init node's kube-apiserver is
 * still starting) the node counts as not Ready; the wait ends at the deadline either way.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { KubeInputError, KubeUnreachableError, NodeReadyTimeoutError } from "./errors";
import type { KubeClient } from "./api";
import { isNodeReady } from "./nodes";
import type { Node } from "./types";

/** Polls until `nodeName` is Ready; throws {@link NodeReadyTimeoutError} after `timeoutMs`. */
export async function waitForNodeReady(
  client: KubeClient,
  nodeName: string,
  opts: {
    timeoutMs: number;
    /**
     * Pause between polls.
     * @default 2000
     */
    pollMs?: number;
  },
): Promise<Node> {
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) throw new KubeInputError(`nodeReadyTimeout: expected a positive duration, got ${opts.timeoutMs}`);
  const deadline = Date.now() + opts.timeoutMs;
  let last = "not polled yet";
  for (;;) {
    try {
      const node = await client.getNode(nodeName);
      if (node && isNodeReady(node)) return node;
      const ready = node?.status?.conditions?.find((c) => c.type === "Ready");
      last = node ? `Ready=${ready?.status ?? "Unknown"}${ready?.reason ? ` (${ready.reason})` : ""}` : "no Node registered";
    } catch (e) {
      if (!(e instanceof KubeUnreachableError)) throw e;
      last = `API unreachable: ${e.code}`;
    }
    if (Date.now() >= deadline) throw new NodeReadyTimeoutError(nodeName, opts.timeoutMs, last);
    await sleep(Math.min(opts.pollMs ?? 2000, Math.max(1, deadline - Date.now())));
  }
}
