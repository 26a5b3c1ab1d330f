/**
 * An etcd v3 client over etcd's JSON gRPC gateway (etcd.io "Why gRPC gateway": `[CLIENT-URL]/v3/*` from
 * etcd 3.4; 64-bit integers travel as JSON strings, as the gateway's protobuf JSON mapping writes them).
 * The methods are `etcdserverpb.Cluster` (`api/etcdserverpb/rpc.proto`: MemberList, MemberAdd,
 * MemberRemove, MemberPromote) at `POST /v3/cluster/member/{list,add,remove,promote}`, and etcd's
 * `GET /health`. TLS with a client certificate from the etcd CA, as KubeadmControlPlane's etcd client uses
 * (`controlplane/kubeadm/internal/etcd`). Several endpoints may be given: each call tries them in order and
 * moves on when one does not answer (a removed or stopped member).
 */
import type * as https from "node:https";
import { KubeApiError, KubeInputError, KubeUnreachableError } from "./errors";
import { checkEndpoint, makeTlsAgent, tlsRequest, type TlsEndpoint } from "./transport";

/** One etcd member (`etcdserverpb.Member`). `ID` is a uint64 as a decimal string. */
export interface EtcdMember {
  readonly ID: string;
  /** Empty for a member that was added but has not started yet. */
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
}

/** Options of {@link EtcdClient}. */
export interface EtcdClientOptions {
  /** Client endpoints (host, port) with the etcd CA and a client certificate it signed; tried in order. */
  readonly endpoints: readonly TlsEndpoint[];
  /**
   * Deadline of one request in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
}

interface RawMember {
  ID?: string | number;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

/** A uint64 member id as etcd prints it in hex (`etcdctl member list`), for messages. */
export const memberIdHex = (id: string): string => BigInt(id).toString(16);

/** Parses a member id given as a decimal string, a `0x` hex string, or bare hex as etcdctl prints it. */
export function parseMemberId(id: string): string {
  const s = id.trim();
  let v: bigint;
  try {
    v = /^\d+$/.test(s) ? BigInt(s) : BigInt(`0x${s.replace(/^0x/i, "")}`);
  } catch {
    throw new KubeInputError(`etcd member id: expected a uint64 (decimal or hex), got ${JSON.stringify(id)}`);
  }
  if (v <= 0n || v >= 1n << 64n) throw new KubeInputError(`etcd member id: expected a non-zero uint64, got ${JSON.stringify(id)}`);
  return v.toString(10);
}

/** The etcd client. */
export class EtcdClient {
  private readonly eps: readonly TlsEndpoint[];
  private readonly agents: https.Agent[];
  private readonly timeoutMs: number;

  constructor(opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new KubeInputError("endpoints: expected at least one etcd client endpoint");
    opts.endpoints.forEach((ep, i) => checkEndpoint(ep, `endpoints[${i}]`));
    this.eps = opts.endpoints;
    this.agents = opts.endpoints.map(makeTlsAgent);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  close(): void {
    for (const a of this.agents) a.destroy();
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: object): Promise<T> {
    let last: KubeUnreachableError | undefined;
    for (let i = 0; i < this.eps.length; i++) {
      let res;
      try {
        res = await tlsRequest(this.eps[i]!, this.agents[i]!, {
          method,
          path,
          timeoutMs: this.timeoutMs,
          ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
        });
      } catch (e) {
        if (e instanceof KubeUnreachableError) {
          last = e;
          continue;
        }
        throw e;
      }
      let json: unknown;
      try {
        json = JSON.parse(res.text);
      } catch {
        json = res.text;
      }
      if (res.status < 200 || res.status > 299) {
        const err = json as { error?: string; message?: string };
        throw new KubeApiError({ status: res.status, method, path, message: err?.message ?? err?.error ?? String(json).slice(0, 200), body: json });
      }
      return json as T;
    }
    throw last ?? new KubeUnreachableError("ECONNERROR", `${path}: no etcd endpoint answered`);
  }

  /** `POST /v3/cluster/member/list`. */
  async memberList(): Promise<EtcdMember[]> {
    const res = await this.call<{ members?: RawMember[] }>("POST", "/v3/cluster/member/list", {});
    return (res.members ?? []).map(toMember).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.ID < b.ID ? -1 : 1));
  }

  /** `POST /v3/cluster/member/add`; a learner does not vote until promoted (etcd 3.4+). */
  async memberAdd(peerURLs: readonly string[], opts: { isLearner?: boolean } = {}): Promise<EtcdMember> {
    if (peerURLs.length === 0) throw new KubeInputError("peerURLs: expected at least one peer URL");
    const res = await this.call<{ member?: RawMember }>("POST", "/v3/cluster/member/add", { peerURLs, isLearner: opts.isLearner === true });
    if (!res.member) throw new KubeApiError({ status: 200, method: "POST", path: "/v3/cluster/member/add", message: "answer without member", body: res });
    return toMember(res.member);
  }

  /**
   * `POST /v3/cluster/member/remove` with `{"ID": "<uint64>"}`. etcd itself refuses a removal that would
   * leave the cluster without quorum of started members (`--strict-reconfig-check`, on by default), and
   * also answers 503 "etcdserver: unhealthy cluster" until the remaining members have been connected to the
   * leader for its health interval (`server/etcdserver/server.go` mayRemoveMember): retry that one later.
   */
  async memberRemove(id: string): Promise<EtcdMember[]> {
    const res = await this.call<{ members?: RawMember[] }>("POST", "/v3/cluster/member/remove", { ID: parseMemberId(id) });
    return (res.members ?? []).map(toMember);
  }

  /** `POST /v3/cluster/member/promote`: a learner that caught up becomes a voting member. */
  async memberPromote(id: string): Promise<EtcdMember[]> {
    const res = await this.call<{ members?: RawMember[] }>("POST", "/v3/cluster/member/promote", { ID: parseMemberId(id) });
    return (res.members ?? []).map(toMember);
  }

  /** `GET /health` of the first endpoint that answers: true when etcd reports `"health": "true"`. */
  async healthy(): Promise<boolean> {
    try {
      const res = await this.call<{ health?: string | boolean }>("GET", "/health");
      return res.health === "true" || res.health === true;
    } catch (e) {
      if (e instanceof KubeApiError) return false;
      throw e;
    }
  }
}

function toMember(m: RawMember): EtcdMember {
  return {
    ID: m.ID === undefined ? "0" : String(m.ID),
    name: m.name ?? "",
    peerURLs: [...(m.peerURLs ?? [])],
    clientURLs: [...(m.clientURLs ?? [])],
    isLearner: m.isLearner === true,
  };
}
