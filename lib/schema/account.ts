/**
 * Prism Central account: the endpoint of a Prism Central v3 API plus where its credentials come from
 * and how its certificate is trusted.
 */
import { z } from "zod";
import { Host, PemCertificates, Port } from "./net";
import { CredentialsRef } from "./refs";

/** Default Prism Central API port. */
export const PRISM_CENTRAL_DEFAULT_PORT = 9440;

/** A Prism Central endpoint as it appears in a plan. */
export const PrismEndpoint = z.strictObject({ host: Host, port: Port });
export type PrismEndpoint = z.infer<typeof PrismEndpoint>;

/**
 * What a user may write: `pc.example.com`, `pc.example.com:9440`, `10.0.0.5` or
 * `https://pc.example.com[:port]`. The port defaults to 9440. Other schemes, paths and credentials
 * in the URL are rejected.
 */
export const PrismEndpointInput = z
  .string({ error: "expected a Prism Central host or https:// URL such as https://pc.example.com:9440" })
  .min(1, { error: "expected a Prism Central host or https:// URL" })
  .transform((raw, ctx): { host: string; port: number } => {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      ctx.addIssue({ code: "custom", message: `expected a Prism Central host or https:// URL, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    if (url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `expected an https:// URL (Prism Central serves its API over TLS), got ${url.protocol}//` });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "expected no credentials in the endpoint URL: use Credentials.fromEnv() or Credentials.fromFile()" });
      return z.NEVER;
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: `expected no path in the endpoint (the client adds /api/nutanix/v3), got ${JSON.stringify(url.pathname + url.search)}` });
      return z.NEVER;
    }
    // URL drops a port equal to the scheme's default (443), so read an explicit port from the text.
    const explicit = /^(?:[a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*:(\d+)(?:[/?#]|$)/i.exec(raw);
    return { host: url.hostname, port: url.port ? Number(url.port) : explicit ? Number(explicit[1]) : PRISM_CENTRAL_DEFAULT_PORT };
  })
  .pipe(PrismEndpoint);

/** The data props of a Prism Central account (what the construct validates). */
export const PrismCentralAccountPropsSchema = z.strictObject({
  endpoint: PrismEndpointInput,
  credentials: CredentialsRef,
  insecure: z.boolean({ error: "expected true or false" }).default(false),
  trustBundle: PemCertificates.optional(),
  paletteProject: z.string().min(1).max(256).optional(),
});

/** A Prism Central account in a plan. */
export const PrismCentralAccountSpec = z.strictObject({
  endpoint: PrismEndpoint,
  credentials: CredentialsRef,
  insecure: z.boolean(),
  trustBundle: PemCertificates.optional(),
  paletteProject: z.string().optional(),
});
export type PrismCentralAccountSpec = z.infer<typeof PrismCentralAccountSpec>;
