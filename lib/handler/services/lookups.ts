/**
 * Name → uuid lookups a reconciler needs. The entity lists behind them are listed once and cached by the
 * Prism client (lib/prism/lookups.ts); this service adds only what the client does not cache: the
 * project lookup, the composite lookups of a pool's machine (shared by pools with the same PE, image,
 * subnets and project), the credential check and whether the target is the emulator.
 */
import type { PrismClient, Resolved } from "../../prism/client";
import { PrismLookupError } from "../../prism/errors";
import type { ClusterEntity, ImageEntity, SubnetEntity } from "../../prism/types";
import type { EntityRef } from "../../schema/refs";
import type { NodePoolSpec } from "../../schema/node-pool";
import { canonicalJson } from "../../plan/canonical";
import { detectEmulator } from "../endpoints";
import type { RunCache } from "./cache";
import type { RunFeatures } from "./features";

/** The PE cluster, image, subnets and project of a pool's machine, resolved to uuids. */
export interface MachineLookups {
  clusterUuid: string;
  clusterName: string;
  imageUuid: string;
  imageName: string;
  subnets: Array<{ uuid: string; name: string }>;
  projectUuid?: string;
}

export class Lookups {
  constructor(
    private readonly cache: RunCache,
    private readonly client: PrismClient,
    private readonly features: RunFeatures,
  ) {}

  /** `GET /users/me`, once per run: the user name. */
  checkAuth(): Promise<string> {
    return this.cache.once("auth", () => this.client.checkAuth());
  }

  /** Whether the target is the Prism Central emulator (asked once per run, only when a feature needs it). */
  isEmulator(): Promise<boolean> {
    return this.cache.once("is-emulator", () => detectEmulator(this.features.target));
  }

  resolveCluster(ref: EntityRef): Promise<Resolved<ClusterEntity>> {
    return this.client.resolveCluster(ref);
  }

  resolveSubnet(ref: EntityRef, peUuid?: string): Promise<Resolved<SubnetEntity>> {
    return this.client.resolveSubnet(ref, peUuid);
  }

  resolveImage(ref: EntityRef): Promise<Resolved<ImageEntity>> {
    return this.client.resolveImage(ref);
  }

  /** A project by uuid, or by name (case-insensitive) among `projects/list`; throws a PrismLookupError. */
  private async projectUuid(p: NonNullable<NodePoolSpec["machine"]["project"]>): Promise<string | undefined> {
    if ("uuid" in p) return p.uuid;
    const all = await this.cache.once("projects", () => this.client.listAll("projects"));
    const hits = all.filter((e) => String((e.spec as { name?: unknown } | undefined)?.name ?? "").toLowerCase() === p.name.toLowerCase());
    if (hits.length !== 1) {
      throw new PrismLookupError([
        PrismLookupError.issue({ kind: "project", name: p.name, problem: hits.length === 0 ? "missing" : "ambiguous", candidates: hits.map((h) => ({ name: p.name, uuid: h.metadata.uuid ?? "" })) }),
      ]);
    }
    return hits[0]!.metadata.uuid;
  }

  /** The machine's PE cluster, image, subnets and project (every missing one in one PrismLookupError). */
  machine(m: NodePoolSpec["machine"]): Promise<MachineLookups> {
    return this.cache.once(`machine:${canonicalJson([m.cluster, m.image, m.subnets, m.project ?? null])}`, async () => {
      const r = await this.client.resolveAll({ clusters: [m.cluster], images: [m.image], subnets: m.subnets.map((s) => ({ ref: s, cluster: m.cluster })) });
      const projectUuid = m.project ? await this.projectUuid(m.project) : undefined;
      return {
        clusterUuid: r.clusters[0]!.uuid,
        clusterName: r.clusters[0]!.name,
        imageUuid: r.images[0]!.uuid,
        imageName: r.images[0]!.name,
        subnets: r.subnets.map((s) => ({ uuid: s.uuid, name: s.name })),
        ...(projectUuid ? { projectUuid } : {}),
      };
    });
  }
}
