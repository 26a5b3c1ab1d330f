/**
 * The Palette client: one {@link PaletteHttp} engine and the API groups the Nutanix flow uses. Every call of a
 * group maps to one operation of Palette's spec (spectrocloud/palette-sdk-go `api/spec/palette-apis-spec.json`).
 */
import { CloudAccountApi } from "./accounts";
import { CloudConfigApi } from "./cloud-configs";
import { CloudTypeApi } from "./clouds";
import { ClusterApi } from "./clusters";
import { PaletteHttp, type PaletteHttpOptions } from "./http";
import { PcgApi } from "./pcg";
import { ClusterProfileApi } from "./profiles";

export type PaletteClientOptions = PaletteHttpOptions;

export class PaletteClient {
  readonly http: PaletteHttp;
  /** Self-hosted PCGs (overlords). */
  readonly pcg: PcgApi;
  /** Nutanix cloud accounts. */
  readonly accounts: CloudAccountApi;
  /** Custom cloud types (check and registration). */
  readonly cloudTypes: CloudTypeApi;
  /** Cluster profiles by name. */
  readonly profiles: ClusterProfileApi;
  /** Nutanix clusters. */
  readonly clusters: ClusterApi;
  /** Cloud configs and machine pools. */
  readonly cloudConfigs: CloudConfigApi;

  constructor(options: PaletteClientOptions) {
    this.http = new PaletteHttp(options);
    this.pcg = new PcgApi(this.http);
    this.accounts = new CloudAccountApi(this.http);
    this.cloudTypes = new CloudTypeApi(this.http);
    this.profiles = new ClusterProfileApi(this.http);
    this.clusters = new ClusterApi(this.http);
    this.cloudConfigs = new CloudConfigApi(this.http);
  }

  /** Releases pooled connections. */
  close(): void {
    this.http.close();
  }
}
