/**
 * Name → uuid resolution of clusters, subnets, images and GPUs, over lists fetched once per client
 * and cached, and the aggregated resolveAll that reports every miss at once.
 */
import { PrismLookupError, type LookupIssue } from "./errors";
import { isIssue, matchEntity, unwrap, type EntityRefLike, type Resolved } from "./entity-match";
import { matchGpus, type GpuRef } from "./gpus";
import type { ClusterEntity, HostEntity, ImageEntity, KindEntityMap, ListableKind, ProjectEntity, SubnetEntity, VmGpu } from "./types";

export interface ResolveAllInput {
  clusters?: EntityRefLike[];
  /** GPUs that must exist on a host of a PE cluster (resolved after the cluster). */
  gpus?: Array<{ cluster: EntityRefLike; gpus: GpuRef[] }>;
  /** A subnet, optionally scoped to a PE cluster (a VLAN subnet counts only on its PE). */
  subnets?: Array<{ ref: EntityRefLike; cluster?: EntityRefLike }>;
  images?: EntityRefLike[];
}

export interface ResolveAllResult {
  clusters: Array<Resolved<ClusterEntity>>;
  subnets: Array<Resolved<SubnetEntity>>;
  images: Array<Resolved<ImageEntity>>;
  /** One list per `input.gpus` entry, in order: the `gpu_list` items to send. */
  gpus: VmGpu[][];
}

/** Where the lookups read their lists from (the client). */
export interface LookupSource {
  listAll<K extends ListableKind>(kind: K): Promise<Array<KindEntityMap[K]>>;
  listHosts(): Promise<HostEntity[]>;
}

/** True for an image whose state says it is being deleted. */
function isBeingDeleted(im: ImageEntity): boolean {
  const st = (im.status as { state?: unknown } | undefined)?.state;
  return st === "DELETE_PENDING" || st === "DELETE_IN_PROGRESS";
}

/** A Prism Element cluster: its service_list has AOS (a Prism Central's does not). */
function isAos(c: ClusterEntity): boolean {
  return (c.status?.resources?.config?.service_list ?? []).includes("AOS");
}

export class Lookups {
  private readonly lists = new Map<ListableKind, Promise<unknown[]>>();
  private hosts: Promise<HostEntity[]> | null = null;

  constructor(private readonly source: LookupSource) {}

  /** Forgets the cached lists (one kind, or all). */
  invalidate(kind?: ListableKind): void {
    if (kind) this.lists.delete(kind);
    else this.lists.clear();
    if (!kind || kind === "hosts") this.hosts = null;
  }

  private cachedList<K extends ListableKind>(kind: K): Promise<Array<KindEntityMap[K]>> {
    let p = this.lists.get(kind);
    if (!p) {
      p = this.source.listAll(kind);
      this.lists.set(kind, p);
      p.catch(() => this.lists.delete(kind));
    }
    return p as Promise<Array<KindEntityMap[K]>>;
  }

  private cachedHosts(): Promise<HostEntity[]> {
    if (!this.hosts) {
      const p = this.source.listHosts();
      this.hosts = p;
      p.catch(() => {
        if (this.hosts === p) this.hosts = null;
      });
    }
    return this.hosts;
  }

  private async clusterIssue(ref: EntityRefLike): Promise<Resolved<ClusterEntity> | LookupIssue> {
    const all = await this.cachedList("clusters");
    return matchEntity("cluster", ref, all, isAos, undefined, (m) =>
      m.length > 0 ? "(only a Prism Central has that name; a Prism Element cluster is needed — its service_list must contain AOS)" : undefined,
    );
  }

  private async subnetIssue(ref: EntityRefLike, peClusterUuid?: string, peName?: string): Promise<Resolved<SubnetEntity> | LookupIssue> {
    const all = await this.cachedList("subnets");
    const ok = (s: SubnetEntity): boolean => {
      if (peClusterUuid === undefined) return true;
      const type = s.spec?.resources?.subnet_type ?? s.status?.resources?.subnet_type;
      if (type === "OVERLAY") return true;
      const cu = s.spec?.cluster_reference?.uuid ?? s.status?.cluster_reference?.uuid;
      return cu === peClusterUuid;
    };
    const scope = peClusterUuid === undefined ? undefined : `on cluster ${peName ?? peClusterUuid}`;
    return matchEntity("subnet", ref, all, ok, scope, (m) => (m.length > 0 ? `(a VLAN subnet of that name exists on another cluster)` : undefined));
  }

  private async imageIssue(ref: EntityRefLike): Promise<Resolved<ImageEntity> | LookupIssue> {
    const all = await this.cachedList("images");
    // An image being deleted is refused, as CAPX does (DELETE_PENDING / DELETE_IN_PROGRESS).
    return matchEntity("image", ref, all, (im) => !isBeingDeleted(im), undefined, (m) =>
      m.length > 0 ? "(an image of that name is being deleted: DELETE_PENDING or DELETE_IN_PROGRESS)" : undefined,
    );
  }

  /** A project by name or uuid, through `POST /projects/list` (listed once and cached). */
  async resolveProject(ref: EntityRefLike): Promise<Resolved<ProjectEntity>> {
    const all = await this.cachedList("projects");
    return unwrap(matchEntity("project", ref, all, () => true));
  }

  /** Each GPU resolved among the hosts of one PE cluster, or the lookup issue. */
  private async gpuIssues(peClusterUuid: string, gpus: GpuRef[], peName?: string): Promise<Array<VmGpu | LookupIssue>> {
    if (gpus.length === 0) return [];
    return matchGpus(await this.cachedHosts(), peClusterUuid, gpus, peName);
  }

  /** GPUs of a PE cluster; throws one PrismLookupError listing every miss. */
  async resolveGpus(peClusterUuid: string, gpus: GpuRef[], peName?: string): Promise<VmGpu[]> {
    const out = await this.gpuIssues(peClusterUuid, gpus, peName);
    const issues = out.filter(isIssue);
    if (issues.length > 0) throw new PrismLookupError(issues);
    return out as VmGpu[];
  }

  async resolveCluster(ref: EntityRefLike): Promise<Resolved<ClusterEntity>> {
    return unwrap(await this.clusterIssue(ref));
  }

  async resolveSubnet(ref: EntityRefLike, peClusterUuid?: string): Promise<Resolved<SubnetEntity>> {
    return unwrap(await this.subnetIssue(ref, peClusterUuid));
  }

  async resolveImage(ref: EntityRefLike): Promise<Resolved<ImageEntity>> {
    return unwrap(await this.imageIssue(ref));
  }

  /** Resolves everything and throws one PrismLookupError listing every missing or ambiguous reference. */
  async resolveAll(input: ResolveAllInput): Promise<ResolveAllResult> {
    const issues: LookupIssue[] = [];
    const seenIssue = new Set<string>();
    const note = <E>(r: Resolved<E> | LookupIssue): Resolved<E> | undefined => {
      if ("message" in r && "problem" in r) {
        const key = `${r.kind}\u0000${r.message}`;
        if (!seenIssue.has(key)) {
          seenIssue.add(key);
          issues.push(r);
        }
        return undefined;
      }
      return r as Resolved<E>;
    };
    // The three lists are independent: start them together (each is listed once and cached).
    const kinds: ListableKind[] = [];
    const gpuInput = (input.gpus ?? []).filter((g) => g.gpus.length > 0);
    if ((input.clusters ?? []).length > 0 || (input.subnets ?? []).some((s) => s.cluster) || gpuInput.length > 0) kinds.push("clusters");
    if ((input.subnets ?? []).length > 0) kinds.push("subnets");
    if ((input.images ?? []).length > 0) kinds.push("images");
    for (const k of kinds) this.cachedList(k).catch(() => undefined);
    if (gpuInput.length > 0) this.cachedHosts().catch(() => undefined);
    const clusters = await Promise.all((input.clusters ?? []).map(async (c) => note(await this.clusterIssue(c))));
    const subnets = await Promise.all(
      (input.subnets ?? []).map(async (s) => {
        let pe: Resolved<ClusterEntity> | undefined;
        if (s.cluster) pe = note(await this.clusterIssue(s.cluster));
        return note(await this.subnetIssue(s.ref, pe?.uuid, pe?.name));
      }),
    );
    const images = await Promise.all((input.images ?? []).map(async (i) => note(await this.imageIssue(i))));
    const gpus = await Promise.all(
      (input.gpus ?? []).map(async (g): Promise<VmGpu[]> => {
        if (g.gpus.length === 0) return [];
        const pe = note(await this.clusterIssue(g.cluster));
        if (!pe) return [];
        const out: VmGpu[] = [];
        for (const r of await this.gpuIssues(pe.uuid, g.gpus, pe.name)) {
          if (isIssue(r)) note(r);
          else out.push(r);
        }
        return out;
      }),
    );
    if (issues.length > 0) throw new PrismLookupError(issues);
    return {
      gpus,
      clusters: clusters as Array<Resolved<ClusterEntity>>,
      subnets: subnets as Array<Resolved<SubnetEntity>>,
      images: images as Array<Resolved<ImageEntity>>,
    };
  }
}
