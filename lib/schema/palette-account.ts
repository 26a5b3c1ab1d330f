/**
 * Palette account: the endpoint of a Palette API (SaaS or self-hosted), the project its clusters live
 * in, where the API key comes from, and how the endpoint's certificate is trusted.
 *
 * Sources: Palette's API introduction (spectrocloud/librarium,
 * docs/api-content/api-docs/1-introduction.md): the base URL `https://api.spectrocloud.com` or a
 * self-hosted endpoint with every path under `/v1/`, the `ApiKey` header, and the `ProjectUid` header
 * that scopes a call to a project (the project is resolved from its name through
 * `GET /v1/dashboard/projects/metadata`, palette-sdk-go api/spec/palette-apis-spec.json).
 * `insecure` mirrors the Terraform provider's `ignore_insecure_tls_error` (default false), meant for a
 * self-hosted Palette with a self-signed certificate; `trustBundle` is the safer way to trust one.
 */
import { z } from "zod";
import { PemCertificates } from "./net";
import { SecretRef } from "./refs";

/** Palette SaaS API endpoint (librarium, docs/api-content/api-docs/1-introduction.md). */
export const PALETTE_SAAS_ENDPOINT = "https://api.spectrocloud.com";
/**
 * The project of a Palette account unless one is named, as in Spectro Cloud's Terraform provider
 * ("If no value is provided, the `Default` Palette project is used", terraform-provider-spectrocloud,
 * provider argument `project_name`).
 */
export const PALETTE_DEFAULT_PROJECT = "Default";

/** A Palette project name. */
export const PaletteProjectName = z
  .string({ error: "expected a Palette project name" })
  .min(1, { error: "expected a non-empty Palette project name" })
  .max(256, { error: "expected a Palette project name of at most 256 characters" });

/**
 * The Palette endpoint: an `https://` origin (`https://host[:port]`), normalized without a trailing
 * slash. No path (the client adds `/v1/…`), no query, no credentials in the URL.
 */
export const PaletteEndpoint = z
  .string({ error: "expected an https:// URL such as https://api.spectrocloud.com" })
  .transform((raw, ctx): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: "custom", message: `expected an https:// URL such as https://api.spectrocloud.com, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    if (url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `expected an https:// URL (Palette serves its API over TLS), got ${url.protocol}//` });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "expected no credentials in the endpoint URL: the API key goes in apiKey (Secret.fromEnv() or Secret.fromFile())" });
      return z.NEVER;
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: `expected no path in the endpoint (the client adds /v1/…), got ${JSON.stringify(url.pathname + url.search + url.hash)}` });
      return z.NEVER;
    }
    return url.origin;
  });

/** The data props of a Palette account (what the construct validates). */
export const PaletteAccountPropsSchema = z.strictObject({
  endpoint: PaletteEndpoint.default(PALETTE_SAAS_ENDPOINT),
  project: PaletteProjectName.default(PALETTE_DEFAULT_PROJECT),
  apiKey: SecretRef,
  insecure: z.boolean({ error: "expected true or false" }).default(false),
  trustBundle: PemCertificates.optional(),
});

/** A Palette account in a plan. */
export const PaletteAccountSpec = z.strictObject({
  /** The https:// origin of the Palette API. */
  endpoint: z.string().regex(/^https:\/\/[^/?#@]+$/, { error: "expected an https:// origin such as https://api.spectrocloud.com" }),
  /** The project name; the handler resolves it to the `ProjectUid` header. */
  project: PaletteProjectName,
  /** Where the handler reads the API key (sent as the `ApiKey` header). */
  apiKey: SecretRef,
  /** Skip TLS verification of the Palette endpoint (test systems only). */
  insecure: z.boolean(),
  /** Extra CA certificates trusted for the endpoint (a self-hosted Palette with a private CA). */
  trustBundle: PemCertificates.optional(),
});
export type PaletteAccountSpec = z.infer<typeof PaletteAccountSpec>;
