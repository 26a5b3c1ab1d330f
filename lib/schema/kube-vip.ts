/**
 * kube-vip: the virtual IP in front of a cluster's Kubernetes API servers, in ARP (layer 2) or
 * BGP mode, with client-go leader election.
 */
import { z } from "zod";
import { EntityRef, SecretRef } from "./refs";
import { IPv4, Port } from "./net";

/** kube-vip image pinned by the CAPX templates (v1.7 → main). */
export const KUBE_VIP_IMAGE = "ghcr.io/kube-vip/kube-vip:v0.9.2";

const Seconds = z.number({ error: "expected a number of seconds" }).int({ error: "expected whole seconds" }).min(1, { error: "expected at least 1 second" });

/** Leader-election timings in seconds; defaults are kube-vip's own (15/10/2). */
export const LeaderElection = z
  .strictObject({
    leaseDurationSeconds: Seconds.default(15),
    renewDeadlineSeconds: Seconds.default(10),
    retryPeriodSeconds: Seconds.default(2),
  })
  .superRefine((v, ctx) => {
    if (!(v.leaseDurationSeconds > v.renewDeadlineSeconds)) {
      ctx.addIssue({
        code: "custom",
        path: ["leaseDurationSeconds"],
        message: `expected leaseDurationSeconds > renewDeadlineSeconds (client-go leader election), got ${v.leaseDurationSeconds} ≤ ${v.renewDeadlineSeconds}`,
      });
    }
    if (!(v.renewDeadlineSeconds > 1.2 * v.retryPeriodSeconds)) {
      ctx.addIssue({
        code: "custom",
        path: ["renewDeadlineSeconds"],
        message: `expected renewDeadlineSeconds > 1.2 × retryPeriodSeconds (client-go leader election), got ${v.renewDeadlineSeconds} and ${v.retryPeriodSeconds}`,
      });
    }
  });

const AsNumber = z.number({ error: "expected an AS number" }).int().min(1, { error: "expected an AS number from 1 to 4294967295" }).max(4294967295, { error: "expected an AS number from 1 to 4294967295" });

/** One BGP peer of kube-vip (`bgp_peers` entry `addr:AS:pass:multihop`). */
export const BgpPeer = z.strictObject({
  address: IPv4,
  asn: AsNumber,
  password: SecretRef.optional(),
  multihop: z.boolean().default(false),
});

/**
 * Why kube-vip cannot be given `password` in `bgp_peers` (`address:AS:password:multihop`, comma
 * separated, split on `,` and `:` without escapes: kube-vip `pkg/bgp` peer parsing), or undefined
 * when it can. Whitespace is refused too: it does not survive the environment of a static pod intact.
 * Never echoes the value.
 */
export function bgpPasswordProblem(password: string): string | undefined {
  if (password.length === 0) return "expected a non-empty BGP password (leave password out for none), got an empty value";
  if (/[:,\s]/.test(password)) return "expected a BGP password without ':', ',' or whitespace (kube-vip's bgp_peers 'address:AS:password:multihop' cannot escape them), got one with such a character (value not shown)";
  return undefined;
}

/**
 * BGP settings: local AS, at least one peer and, optionally, one router id. Without `routerId` each
 * control-plane node uses its own address towards the first peer (found at boot), since BGP needs a
 * router id per speaker (RFC 4271 §4.2 "BGP Identifier"; kube-vip docs, "Managing a routerID").
 */
export const BgpSettings = z.strictObject({
  routerId: IPv4.optional(),
  localAsn: AsNumber.default(65000),
  peers: z.array(BgpPeer).min(1, { error: "expected at least one BGP peer" }),
});

/** The data props of a kube-vip endpoint. */
export const KubeVipEndpointPropsSchema = z
  .strictObject({
    address: IPv4,
    port: Port.default(6443),
    mode: z.enum(["arp", "bgp"], { error: "expected mode 'arp' or 'bgp'" }).default("arp"),
    // Optional: unset, kube-vip uses the interface of the default route (kube-vip cmd/kube-vip.go); a
    // name that does not exist makes it exit (kube-vip #559), and AHV images name NICs like ens3.
    interface: z.string().min(1).max(15, { error: "expected a network interface name of at most 15 characters" }).regex(/^[A-Za-z0-9_.:-]+$/, { error: "expected a network interface name such as ens3" }).optional(),
    bgp: BgpSettings.optional(),
    leaderElection: LeaderElection.default({ leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 }),
    loadBalancer: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.mode === "bgp" && !v.bgp) {
      ctx.addIssue({ code: "custom", path: ["bgp"], message: "expected bgp settings (routerId, localAsn, peers) when mode is 'bgp'" });
    }
    if (v.mode === "arp" && v.bgp) {
      ctx.addIssue({ code: "custom", path: ["bgp"], message: "expected no bgp settings when mode is 'arp' (set mode: 'bgp' to use them)" });
    }
  });

/** A kube-vip endpoint in a plan. */
export const KubeVipEndpointSpec = z.strictObject({
  account: z.string(),
  clusterName: z.string(),
  address: IPv4,
  port: Port,
  mode: z.enum(["arp", "bgp"]),
  interface: z.string().optional(),
  bgp: z.strictObject({
    routerId: IPv4.optional(),
    localAsn: AsNumber,
    peers: z.array(z.strictObject({ address: IPv4, asn: AsNumber, password: SecretRef.optional(), multihop: z.boolean() })),
  }).optional(),
  leaderElection: z.strictObject({ leaseDurationSeconds: z.number(), renewDeadlineSeconds: z.number(), retryPeriodSeconds: z.number() }),
  loadBalancer: z.boolean(),
  /** The control-plane subnet the VIP must live in (checked against Prism Central at apply). */
  subnet: EntityRef.optional(),
  /** The Prism Element cluster of that subnet. */
  peCluster: EntityRef.optional(),
});
export type KubeVipEndpointSpec = z.infer<typeof KubeVipEndpointSpec>;
