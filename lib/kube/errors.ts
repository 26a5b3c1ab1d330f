/**
 * Typed errors of the Kubernetes and etcd clients. Messages name the method, path and endpoint; they never
 * carry certificates, keys or bootstrap-token secrets.
 */

/** Base class of every error thrown by lib/kube. */
export class KubeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input to a lib/kube function: names the field and what was expected. */
export class KubeInputError extends KubeError {}

/** The endpoint did not answer over TLS (refused, reset, timeout, TLS failure). */
export class KubeUnreachableError extends KubeError {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A non-2xx answer. For the Kubernetes API, `reason` is the `metav1.Status` reason (`NotFound`, `Conflict`,
 * `TooManyRequests`, ...); for etcd's gateway it is the gRPC error text.
 */
export class KubeApiError extends KubeError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly reason: string | undefined;
  readonly body: unknown;
  constructor(init: { status: number; method: string; path: string; reason?: string; message?: string; body: unknown }) {
    super(`${init.method} ${init.path}: ${init.status}${init.reason ? ` ${init.reason}` : ""}${init.message ? `: ${init.message}` : ""}`);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.reason = init.reason;
    this.body = init.body;
  }
}

/** A drain that could not finish within its timeout (evictions still blocked, or pods still terminating). */
export class DrainTimeoutError extends KubeError {
  readonly node: string;
  readonly remaining: string[];
  constructor(node: string, timeoutMs: number, remaining: string[], lastReason: string | undefined) {
    super(
      `drain of node ${node}: ${remaining.length} pod(s) still on it after ${timeoutMs} ms (${remaining.slice(0, 5).join(", ")}` +
        `${remaining.length > 5 ? ", ..." : ""})${lastReason ? `; last refusal: ${lastReason}` : ""}`,
    );
    this.node = node;
    this.remaining = remaining;
  }
}

/** A node that did not turn Ready within `--node-ready-timeout`; nothing old may be deleted after it. */
export class NodeReadyTimeoutError extends KubeError {
  readonly node: string;
  constructor(node: string, timeoutMs: number, last: string) {
    super(`node ${node} not Ready after ${timeoutMs} ms (${last})`);
    this.node = node;
  }
}
