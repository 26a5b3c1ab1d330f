/**
 * A stack with a Prism Central account, a Palette account, a PCG on a directly built host cluster,
 * and helpers to add clusters through Palette.
 */
import { NutanixCluster, PaletteAccount, PrivateCloudGateway, Secret, type NutanixClusterProps, type NutanixStack, type PrismCentralAccount } from "../../lib";
import { MACHINE, addCluster, clusterProps, stackWithAccount } from "./nutanix-fixtures";

/** The stack, its accounts, the host cluster and the gateway. */
export interface PaletteStack {
  readonly stack: NutanixStack;
  readonly pc: PrismCentralAccount;
  readonly palette: PaletteAccount;
  readonly host: NutanixCluster;
  readonly pcg: PrivateCloudGateway;
}

/** A stack `dc1` with accounts `pc` and `palette`, a host cluster `pcg-host` (VIP .10) and the gateway `pcg`. */
export function paletteStack(id = "dc1"): PaletteStack {
  const { stack, pc } = stackWithAccount(id);
  const palette = new PaletteAccount(stack, "palette", { apiKey: Secret.fromEnv("PALETTE_API_KEY") });
  const host = addCluster(stack, pc, "pcg-host", { endpoint: { address: "10.20.0.10" } });
  const pcg = new PrivateCloudGateway(stack, "pcg", { name: "pcg", account: pc, hostCluster: host, palette });
  return { stack, pc, palette, host, pcg };
}

/** Props of a cluster through Palette: 3 control-plane nodes, two worker pools, VIP .20. */
export function paletteClusterProps(s: Pick<PaletteStack, "pc" | "pcg">, over: Partial<NutanixClusterProps> = {}): NutanixClusterProps {
  return {
    account: s.pc,
    ...clusterProps({
      name: "web",
      endpoint: { address: "10.20.0.20" },
      controlPlane: { replicas: 3, machine: MACHINE },
      workers: [
        { name: "general", replicas: 2, machine: MACHINE },
        { name: "big", replicas: 1, machine: { ...MACHINE, vcpusPerSocket: 4, memoryGiB: 16 } },
      ],
    }),
    palette: { gateway: s.pcg, profile: "nutanix-k8s-1.30" },
    ...over,
  };
}

/** Adds a cluster through Palette as `<stack>/<id>`. */
export function addPaletteCluster(s: PaletteStack, id = "web", over: Partial<NutanixClusterProps> = {}): NutanixCluster {
  return new NutanixCluster(s.stack, id, paletteClusterProps(s, { name: id, ...over }));
}
