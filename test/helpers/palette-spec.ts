/**
 * A validator of requests and responses against Palette's Swagger 2.0 spec (the palette-sdk-go subset in
 * test/fixtures/palette): it finds the operation by method and path template, checks the path parameters, the
 * query parameters (declared, typed, within `maximum`), the auth header of the spec's `securityDefinitions`
 * (`ApiKey` or `Authorization`), and the body against the operation's schema with every swagger `$ref`
 * resolved (ajv). Objects are closed (`additionalProperties: false` where the spec lists properties and says
 * nothing else), so a misspelt or misplaced key (e.g. `machinePoolConfig` on create, where the spec says
 * `machinepoolconfig`) is an error.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";
import * as path from "node:path";

type Json = Record<string, unknown>;

interface Param {
  name: string;
  in: "path" | "query" | "body" | "formData" | "header";
  required?: boolean;
  type?: string;
  maximum?: number;
  description?: string;
  schema?: Json;
}

interface Operation {
  operationId: string;
  parameters?: Param[];
  consumes?: string[];
  produces?: string[];
  responses: Record<string, { schema?: Json }>;
}

export const SPEC_FILE = path.join(__dirname, "..", "fixtures", "palette", "palette-nutanix.swagger.json");

/** Swagger 2.0 schema → JSON Schema draft-07 as ajv reads it (refs into one registered document). */
function convert(s: unknown, closed: boolean): unknown {
  if (Array.isArray(s)) return s.map((x) => convert(x, closed));
  if (!s || typeof s !== "object") return s;
  const o = s as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "$ref" && typeof v === "string") out.$ref = v.replace(/^#\/definitions\//, "palette#/definitions/");
    else if (k === "properties" && v && typeof v === "object") out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, convert(pv, closed)]));
    else if (k === "x-nullable" || k === "example" || k === "x-omitempty" || k === "x-go-name" || k === "readOnly" || k === "discriminator") continue;
    else out[k] = convert(v, closed);
  }
  if (o["x-nullable"] === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  if (out.type === "file") delete out.type;
  // draft-04 booleans (swagger 2.0) → draft-07 numbers
  for (const [ex, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof out[ex] !== "boolean") continue;
    if (out[ex] === true && typeof out[bound] === "number") {
      out[ex] = out[bound];
      delete out[bound];
    } else delete out[ex];
  }
  if (closed && out.properties && out.additionalProperties === undefined && out.$ref === undefined) {
    // A name the spec requires but does not list (v1SpectroCustomClusterEntity's spec.cloudType) is allowed too.
    const props = out.properties as Json;
    for (const r of Array.isArray(out.required) ? (out.required as string[]) : []) props[r] ??= {};
    out.additionalProperties = false;
  }
  return out;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export class PaletteSpec {
  readonly spec: { paths: Record<string, Record<string, unknown>>; definitions: Json; securityDefinitions: Record<string, { name: string; in: string }> };
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; re: RegExp; names: string[] }[];

  constructor(file = SPEC_FILE) {
    this.spec = JSON.parse(readFileSync(file, "utf8")) as PaletteSpec["spec"];
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema({ $id: "palette", definitions: convert(this.spec.definitions, true) as Json });
    this.templates = Object.keys(this.spec.paths)
      .map((template) => {
        const names: string[] = [];
        const src = template.replace(/\{(\w+)\}/g, (_m, n: string) => {
          names.push(n);
          return "([^/]+)";
        });
        return { template, re: new RegExp(`^${src}$`), names };
      })
      // literal segments win over parameters (e.g. /v1/overlords/pairing/code over /v1/overlords/{uid})
      .sort((a, b) => a.names.length - b.names.length);
  }

  /** The operation for a method and concrete path, with its path parameters. */
  operation(method: string, p: string): { template: string; op: Operation; params: Param[]; pathValues: Record<string, string> } | undefined {
    for (const t of this.templates) {
      const m = t.re.exec(p);
      if (!m) continue;
      const item = this.spec.paths[t.template]!;
      const op = item[method.toLowerCase()] as Operation | undefined;
      if (!op) continue;
      const shared = (item.parameters as Param[] | undefined) ?? [];
      const own = op.parameters ?? [];
      const params = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
      return { template: t.template, op, params, pathValues: Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    }
    return undefined;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(convert(schema, true) as Json);
      this.cache.set(key, v);
    }
    return v;
  }

  private schemaErrors(v: ValidateFunction, data: unknown): string[] {
    if (v(data)) return [];
    return (v.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
  }

  /** Every way a request breaks the spec (empty when it conforms). */
  validateRequest(r: RequestRecord): string[] {
    const where = `${r.method} ${r.path}`;
    const found = this.operation(r.method, r.path);
    if (!found) return [`${where}: no such operation in the spec`];
    const { op, params, pathValues } = found;
    const errors: string[] = [];
    const e = (m: string): number => errors.push(`${where} (${op.operationId}): ${m}`);
    for (const p of params.filter((x) => x.in === "path")) if (!pathValues[p.name]) e(`path parameter ${p.name} is empty`);
    const headerNames = new Set(Object.keys(r.headers).map((h) => h.toLowerCase()));
    const auth = Object.values(this.spec.securityDefinitions).filter((s) => s.in === "header").map((s) => s.name.toLowerCase());
    if (!auth.some((h) => headerNames.has(h))) e(`no auth header (${auth.join(" or ")})`);
    const query = params.filter((x) => x.in === "query");
    for (const [k, v] of Object.entries(r.query)) {
      const p = query.find((q) => q.name === k);
      if (!p) {
        e(`query parameter ${k} is not declared`);
        continue;
      }
      if (p.type === "integer" && !/^-?\d+$/.test(v)) e(`query ${k}=${v}: expected an integer`);
      if (p.type === "boolean" && v !== "true" && v !== "false") e(`query ${k}=${v}: expected true or false`);
      // the maximum, declared or only written in the description ("Default and maximum value of the limit is 50")
      const max = p.maximum ?? Number(/maximum value of the limit is (\d+)/i.exec(p.description ?? "")?.[1] ?? NaN);
      if (!Number.isNaN(max) && Number(v) > max) e(`query ${k}=${v}: above the maximum ${max}`);
    }
    for (const p of query) if (p.required && r.query[p.name] === undefined) e(`query parameter ${p.name} is required`);
    const contentType = Object.entries(r.headers).find(([h]) => h.toLowerCase() === "content-type")?.[1] ?? "";
    const bodyParam = params.find((x) => x.in === "body");
    const form = params.filter((x) => x.in === "formData");
    const hasBody = r.body !== null && r.body !== undefined && r.body !== "";
    if (form.length > 0) {
      if (!/^multipart\/form-data/i.test(contentType)) e(`expected multipart/form-data, got ${JSON.stringify(contentType)}`);
      const text = typeof r.body === "string" ? r.body : "";
      for (const f of form) if (!new RegExp(`name="${f.name}"`).test(text)) e(`form field ${f.name} missing`);
    } else if (bodyParam) {
      if (!hasBody) {
        if (bodyParam.required) e("body required");
      } else {
        if (!/^application\/json/i.test(contentType)) e(`expected application/json, got ${JSON.stringify(contentType)}`);
        for (const m of this.schemaErrors(this.validator(`req:${op.operationId}`, bodyParam.schema ?? {}), r.body)) e(`body ${m}`);
      }
    } else if (hasBody) e("the operation takes no body");
    return errors;
  }

  /** Every way a response breaks the spec: a 2xx must be a declared response and match its schema; an error must be a V1Error. */
  validateResponse(method: string, p: string, status: number, body: unknown): string[] {
    const where = `${method} ${p} → ${status}`;
    const found = this.operation(method, p);
    if (!found) return [`${where}: no such operation in the spec`];
    if (status >= 400) {
      const b = body as Json | undefined;
      return b && typeof b.code === "string" && typeof b.message === "string" ? [] : [`${where}: error body is not {code, message, details, ref}`];
    }
    const resp = found.op.responses[String(status)];
    if (!resp) return [`${where}: status not declared (declared: ${Object.keys(found.op.responses).join(", ")})`];
    if (!resp.schema) return body === undefined || body === "" ? [] : [`${where}: the spec declares no body`];
    if ((resp.schema as Json).format === "binary") return typeof body === "string" ? [] : [`${where}: expected a file`];
    return this.schemaErrors(this.validator(`res:${found.op.operationId}:${status}`, resp.schema), body).map((m) => `${where} (${found.op.operationId}): ${m}`);
  }
}
