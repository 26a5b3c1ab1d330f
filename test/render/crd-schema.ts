/**
 * Validates rendered objects against the openAPIV3Schema of the CRDs in test/fixtures/crds with ajv.
 * Stricter than the API server in one way, on purpose: object schemas that list their properties get
 * `additionalProperties: false`, so a misspelt or wrong-version field fails here instead of being
 * silently pruned. CEL rules (x-kubernetes-validations) are not evaluated by ajv; the CAPX
 * identifier rules are checked by `identifierProblems` instead.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const CRD_DIR = join(__dirname, "..", "fixtures", "crds");

type Schema = Record<string, unknown>;

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const s: Schema = {};
  for (const [k, v] of Object.entries(schema as Schema)) s[k] = k === "x-kubernetes-validations" || k === "default" || k === "example" ? v : closeObjects(v);
  if (s.type === "object" && s.properties && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
    s.additionalProperties = false;
  }
  return s;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

for (const file of readdirSync(CRD_DIR).filter((f) => f.endsWith(".yaml")).sort()) {
  const crd = parse(readFileSync(join(CRD_DIR, file), "utf8")) as Crd;
  for (const v of crd.spec.versions) {
    validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(closeObjects(v.schema.openAPIV3Schema) as Schema));
  }
}

/** The `group/version/kind` keys with a schema. */
export function knownKinds(): string[] {
  return [...validators.keys()].sort();
}

/** Schema errors of `obj` against its CRD version, as readable lines; throws when no CRD covers it. */
export function crdSchemaErrors(obj: { apiVersion: string; kind: string }): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const validate = validators.get(key);
  if (!validate) throw new Error(`no CRD schema for ${key} in test/fixtures/crds`);
  const kind = obj.kind;
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `${kind} ${e.instancePath || "/"}: ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
}

/**
 * The CEL rules of CAPX's NutanixResourceIdentifier (`type` name ⇒ name set and no uuid, `type` uuid ⇒
 * a 36-character uuid with '-' and no name) and NutanixCluster's "not both failureDomains and
 * controlPlaneFailureDomains", checked over the whole object.
 */
export function identifierProblems(obj: unknown, path = ""): string[] {
  if (Array.isArray(obj)) return obj.flatMap((v, i) => identifierProblems(v, `${path}[${i}]`));
  if (obj === null || typeof obj !== "object") return [];
  const o = obj as Record<string, unknown>;
  const out: string[] = [];
  if (o.type === "name" || o.type === "uuid") {
    if (o.type === "name" && (typeof o.name !== "string" || o.name.length === 0 || "uuid" in o)) out.push(`${path}: type name needs name and no uuid`);
    if (o.type === "uuid" && (typeof o.uuid !== "string" || o.uuid.length !== 36 || !o.uuid.includes("-") || "name" in o)) out.push(`${path}: type uuid needs a 36-character uuid and no name`);
  }
  if ("failureDomains" in o && "controlPlaneFailureDomains" in o) out.push(`${path}: failureDomains and controlPlaneFailureDomains together`);
  for (const [k, v] of Object.entries(o)) out.push(...identifierProblems(v, `${path}.${k}`));
  return out;
}
