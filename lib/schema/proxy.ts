/**
 * HTTP(S) proxy settings of a cluster's nodes (containerd, the kubelet, the system environment).
 */
import { z } from "zod";
import { HttpUrl, PemCertificates } from "./net";

/**
 * One `NO_PROXY` entry: a host, domain (`.example.com`), IPv4 address or CIDR, optionally with a
 * port. Written into systemd `Environment=` lines and /etc/environment, so it may not hold
 * whitespace, quotes, `,` (the list separator), `=`, `\` or `%` (systemd's specifier).
 */
export const NoProxyEntry = z
  .string({ error: "expected a host, domain or CIDR" })
  .min(1, { error: "expected a host, domain or CIDR, got an empty entry" })
  .regex(/^[A-Za-z0-9.*:/_[\]-]+$/, { error: "expected one host, domain, IPv4 address or CIDR without spaces, quotes, ',', '=', '\\' or '%' (one entry per item)" });

/** The `proxy` props of a cluster. */
export const ClusterProxyPropsSchema = z
  .strictObject({
    httpProxy: HttpUrl.optional(),
    httpsProxy: HttpUrl.optional(),
    noProxy: z.array(NoProxyEntry).default([]),
    caCertificate: PemCertificates.optional(),
  })
  .superRefine((p, ctx) => {
    if (!p.httpProxy && !p.httpsProxy) ctx.addIssue({ code: "custom", message: "expected httpProxy or httpsProxy when proxy settings are given, got neither" });
    for (const field of ["httpProxy", "httpsProxy"] as const) {
      const url = p[field];
      if (url && /[\s"'\\%]/.test(url)) ctx.addIssue({ code: "custom", path: [field], message: "expected a proxy URL without spaces, quotes, '\\' or '%'" });
      if (url && hasCredentials(url)) {
        ctx.addIssue({ code: "custom", path: [field], message: "expected a proxy URL without user:password (the plan and the nodes' world-readable /etc/environment would hold it)" });
      }
    }
  });

function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== "" || u.password !== "";
  } catch {
    return false;
  }
}

/** A cluster's proxy in a plan. */
export const ClusterProxySpec = z.strictObject({
  httpProxy: HttpUrl.optional(),
  httpsProxy: HttpUrl.optional(),
  noProxy: z.array(z.string()),
  caCertificate: PemCertificates.optional(),
});
export type ClusterProxySpec = z.infer<typeof ClusterProxySpec>;
