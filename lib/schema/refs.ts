/**
 * References: to Prism entities (by name or UUID) and to secrets (by environment variable or file).
 * A secret is never a value here, only where to read it at apply time.
 */
import { z } from "zod";
import { EnvVarName, PrismUuid } from "./net";

/** A Prism entity referenced by name. */
export const NameRef = z.strictObject({ name: z.string().min(1, { error: "expected a non-empty name" }).max(256) });
/** A Prism entity referenced by UUID. */
export const UuidRef = z.strictObject({ uuid: PrismUuid });
/** A Prism entity (image, subnet, Prism Element cluster, project) by name or UUID, as it appears in a plan. */
export const EntityRef = z.union([NameRef, UuidRef], { error: "expected { name } or { uuid }" });
export type EntityRef = z.infer<typeof EntityRef>;

/** What a user may write for an entity: a bare name, `{ name }` or `{ uuid }`. */
export const EntityRefInput = z
  .union([z.string().min(1, { error: "expected a non-empty name" }).max(256), NameRef, UuidRef], {
    error: "expected a name, { name: \"…\" } or { uuid: \"…\" }",
  })
  .transform((v): EntityRef => (typeof v === "string" ? { name: v } : v));

/** Username and password read from environment variables at apply time. */
export const EnvCredentials = z.strictObject({
  source: z.literal("env"),
  usernameEnv: EnvVarName,
  passwordEnv: EnvVarName,
});
/** Username and password read from a JSON file `{ "username": …, "password": … }` at apply time. */
export const FileCredentials = z.strictObject({
  source: z.literal("file"),
  path: z.string().min(1, { error: "expected a file path" }),
});
/** Where Prism Central credentials come from. Never the credentials themselves. */
export const CredentialsRef = z.discriminatedUnion("source", [EnvCredentials, FileCredentials], {
  error: "expected Credentials.fromEnv(…) or Credentials.fromFile(…)",
});
export type CredentialsRef = z.infer<typeof CredentialsRef>;

/** A secret value read from an environment variable at apply time. */
export const EnvSecret = z.strictObject({ source: z.literal("env"), env: EnvVarName });
/** A secret value read from a file at apply time (trailing newline trimmed). */
export const FileSecret = z.strictObject({ source: z.literal("file"), path: z.string().min(1, { error: "expected a file path" }) });
/** Where a secret (an API key, a password) comes from. Never the secret itself. */
export const SecretRef = z.discriminatedUnion("source", [EnvSecret, FileSecret], {
  error: "expected Secret.fromEnv(…) or Secret.fromFile(…)",
});
export type SecretRef = z.infer<typeof SecretRef>;
