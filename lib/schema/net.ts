/**
 * Network and naming primitives shared by every schema: IPv4, CIDR, DNS names, ports, URLs and
 * Kubernetes versions. Each is a small zod schema with a message that says what was expected.
 */
import { z } from "zod";

/** An IPv4 address in dotted-quad form, e.g. `10.20.0.10`. */
export const IPv4 = z.ipv4({ error: "expected an IPv4 address such as 10.20.0.10" });

/** An IPv4 CIDR block, e.g. `10.20.0.0/24`. */
export const CidrV4 = z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.20.0.0/24" });

/** A TCP port, 1–65535. */
export const Port = z
  .number({ error: "expected a port number from 1 to 65535" })
  .int({ error: "expected a whole port number from 1 to 65535" })
  .min(1, { error: "expected a port number from 1 to 65535" })
  .max(65535, { error: "expected a port number from 1 to 65535" });

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** An RFC 1123 DNS label: lowercase letters, digits and `-`, at most 63 characters. */
export const DnsLabel = z
  .string({ error: "expected a lowercase RFC 1123 name (letters, digits, '-')" })
  .min(1, { error: "expected a non-empty RFC 1123 name" })
  .max(63, { error: "expected at most 63 characters (an RFC 1123 label)" })
  .regex(DNS_LABEL, { error: "expected a lowercase RFC 1123 label: a-z, 0-9 and '-', starting and ending with a letter or digit" });

/** An RFC 1123 DNS subdomain: dot-separated labels, at most 253 characters. */
export const DnsSubdomain = z
  .string({ error: "expected a DNS name" })
  .min(1, { error: "expected a non-empty DNS name" })
  .max(253, { error: "expected a DNS name of at most 253 characters" })
  .refine((s) => s.split(".").every((l) => l.length <= 63 && DNS_LABEL.test(l)), {
    error: "expected a lowercase RFC 1123 DNS name such as pc.dc1.example.com",
  });

/** A host: an IPv4 address or a DNS name. */
export const Host = z.union([IPv4, DnsSubdomain], { error: "expected an IPv4 address or a DNS name" });

/** An `https://` URL. */
export const HttpsUrl = z
  .string({ error: "expected an https:// URL" })
  .refine((s) => {
    try {
      return new URL(s).protocol === "https:";
    } catch {
      return false;
    }
  }, { error: "expected an https:// URL such as https://api.spectrocloud.com" });

/** An `http://` or `https://` URL (proxies may be plain HTTP). */
export const HttpUrl = z
  .string({ error: "expected an http:// or https:// URL" })
  .refine((s) => {
    try {
      const p = new URL(s).protocol;
      return p === "http:" || p === "https:";
    } catch {
      return false;
    }
  }, { error: "expected an http:// or https:// URL such as http://proxy.example.com:3128" });

const K8S_VERSION = /^v?(\d+)\.(\d+)\.(\d+)$/;

/**
 * A Kubernetes release version, written `v1.30.5` or `1.30.5`; normalized to `1.30.5`
 * (CAPX manifests add the leading `v` where the API wants it).
 */
export const KubernetesVersionInput = z
  .string({ error: "expected a Kubernetes version such as 1.30.5 or v1.30.5" })
  .regex(K8S_VERSION, { error: "expected a Kubernetes version such as 1.30.5 or v1.30.5" })
  .transform((s) => s.replace(/^v/, ""));

/** A normalized Kubernetes version without the leading `v`, as it appears in a plan. */
export const KubernetesVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+$/, { error: "expected a normalized Kubernetes version such as 1.30.5" });

/** An environment variable name. */
export const EnvVarName = z
  .string({ error: "expected an environment variable name" })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "expected an environment variable name such as NUTANIX_USERNAME" });

/** A Prism UUID: 36 characters, hex groups 8-4-4-4-12. */
export const PrismUuid = z
  .string({ error: "expected a UUID" })
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: "expected a 36-character UUID such as 0005a0f1-8d4c-4d5e-9a3f-1f2e3d4c5b6a",
  });

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1-----/g;

/** One or more PEM `CERTIFICATE` blocks (a CA trust bundle). */
export const PemCertificates = z.string({ error: "expected PEM text" }).superRefine((s, ctx) => {
  const blocks = [...s.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    ctx.addIssue({ code: "custom", message: "expected one or more PEM blocks '-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----'" });
    return;
  }
  for (const b of blocks) {
    if (b[1] !== "CERTIFICATE") {
      ctx.addIssue({ code: "custom", message: `expected only CERTIFICATE blocks in a trust bundle, found a ${b[1]} block` });
    }
  }
  const rest = s.replace(PEM_BLOCK, "").trim();
  if (rest.length > 0) ctx.addIssue({ code: "custom", message: "expected only PEM blocks; found other text around them" });
});

// Address arithmetic used by the cross-field rules lives in lib/net (one home for every layer);
// re-exported here for the schema's users.
export { cidrContains, cidrRange, cidrsOverlap, intToIpv4, ipv4ToInt, type Ipv4Range } from "../net/ipv4";
