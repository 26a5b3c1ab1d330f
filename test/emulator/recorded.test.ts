/**
 * The emulator's answers against real Prism Central answers (pc.2024.1 / pc.2024.3, prism-go-client
 * v3/mocks, see test/fixtures/prism/recorded/SOURCE.txt): each recorded call is replayed on the
 * emulator with its own uuids, and the recorded key paths (with their JSON types) must be present.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { SMALL_SEED, withEmulator, type EmulatorHarness } from "../helpers/emulator";
import { scorePaths, type PathScore } from "../helpers/key-paths";

interface RecordedCall {
  method: string;
  path: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

const DIR = path.join(__dirname, "..", "fixtures", "prism", "recorded");
const API = "/api/nutanix/v3";

async function recorded(name: string): Promise<RecordedCall[]> {
  return ((JSON.parse(await fsp.readFile(path.join(DIR, `${name}.json`), "utf8")) as { calls: RecordedCall[] }).calls);
}

/** Replaces the recorded uuids of cluster, subnet and image by the emulator's in a request body. */
function mapUuids(body: unknown, map: Record<string, string>): unknown {
  let text = JSON.stringify(body);
  for (const [from, to] of Object.entries(map)) text = text.split(from).join(to);
  return JSON.parse(text);
}

test("emulator answers carry ≥ 90 % of the key paths (same JSON types) of real pc.2024 answers", async () => {
  // The recorded subnets have DHCP DNS servers: so has this seed's.
  const seed = { ...SMALL_SEED, subnets: SMALL_SEED.subnets.map((s) => ({ ...s, dnsServers: ["10.20.0.53"] })), images: [{ name: "ubuntu-2204-kube-v1.30.5", sizeBytes: 8589934592 }] };
  await withEmulator({ seed, taskMs: 100 }, async (h: EmulatorHarness) => {
    const get = async <T>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> => {
      const r = await h.raw(method, `${API}${p}`, body === undefined ? {} : { body: body as object });
      return { status: r.status, json: r.json as T };
    };
    const clusters = (await get<{ entities: Array<{ metadata: { uuid: string }; status: { name: string } }> }>("POST", "/clusters/list", {})).json.entities;
    const pe = clusters.find((c) => c.status.name === "PE-1")!.metadata.uuid;
    const subnet = (await get<{ entities: Array<{ metadata: { uuid: string }; status: { name: string } }> }>("POST", "/subnets/list", {})).json.entities.find((s) => s.status.name === "vm-net-20")!.metadata.uuid;
    const image = (await get<{ entities: Array<{ metadata: { uuid: string } }> }>("POST", "/images/list", {})).json.entities[0]!.metadata.uuid;
    const uuids = { "00061f7f-44f7-19dc-3be1-7cc25586ee44": pe, "b2e46975-2cde-4a49-9dda-815eb4fcd679": subnet, "70cfd137-a8d9-4169-a5ac-cf9ad6ddb03a": image };

    const scores: Array<{ call: string; score: PathScore }> = [];
    const compare = (call: string, rec: RecordedCall, status: number, json: unknown): void => {
      assert.equal(status, rec.status, `${call}: status ${status}, recorded ${rec.status}`);
      scores.push({ call, score: scorePaths(rec.responseBody, json) });
    };

    for (const [name, p] of [["GetCluster", `/clusters/${pe}`], ["GetSubnet", `/subnets/${subnet}`], ["GetPrismCentral", "/prism_central"]] as const) {
      const [rec] = await recorded(name);
      const r = await get(rec!.method, p, rec!.method === "GET" ? undefined : rec!.requestBody);
      compare(name, rec!, r.status, r.json);
    }
    for (const name of ["ListCluster", "ListSubnet"]) {
      const [rec] = await recorded(name);
      const r = await get(rec!.method, rec!.path, rec!.requestBody);
      compare(name, rec!, r.status, r.json);
    }

    // Idempotence identifiers: create, get, delete.
    for (const name of ["CreateIdempotenceIdentifers", "GetIdempotenceIdentifers", "DeleteIdempotenceIdentifers"]) {
      const [rec] = await recorded(name);
      const r = await get(rec!.method, rec!.path, rec!.method === "POST" ? rec!.requestBody : undefined);
      compare(name, rec!, r.status, r.json);
    }

    // A VM: create with a reserved uuid-less body as recorded, then get, list, update.
    const [createRec] = await recorded("CreateVM");
    const created = await get<{ metadata: { uuid: string }; status: { execution_context: { task_uuid: string } } }>("POST", "/vms", mapUuids(createRec!.requestBody, uuids));
    compare("CreateVM", createRec!, created.status, created.json);
    const vmUuid = created.json.metadata.uuid;
    await new Promise((r) => setTimeout(r, 150));
    const [getRec] = await recorded("GetVM");
    const got = await get<{ metadata: object; spec: object }>("GET", `/vms/${vmUuid}`);
    compare("GetVM", getRec!, got.status, got.json);
    const [listRec] = await recorded("ListVM");
    const listed = await get("POST", "/vms/list", listRec!.requestBody);
    compare("ListVM", listRec!, listed.status, listed.json);
    const [updGetRec, updPutRec] = await recorded("UpdateVM");
    const before = await get<{ metadata: object; spec: { description?: string } }>("GET", `/vms/${vmUuid}`);
    compare("UpdateVM GET", updGetRec!, before.status, before.json);
    const put = await get("PUT", `/vms/${vmUuid}`, { metadata: before.json.metadata, spec: { ...before.json.spec, description: "updated-test-vm-description" } });
    compare("UpdateVM PUT", updPutRec!, put.status, put.json);

    let total = 0;
    let matched = 0;
    const lines: string[] = [];
    for (const { call, score } of scores) {
      total += score.total;
      matched += score.matched;
      lines.push(`${call}: ${score.matched}/${score.total} (${((100 * score.matched) / score.total).toFixed(1)} %)${score.missing.length ? ` missing ${score.missing.slice(0, 6).join(", ")}${score.missing.length > 6 ? ", …" : ""}` : ""}`);
    }
    const pct = (100 * matched) / total;
    console.log(`recorded key paths present with the same JSON type: ${matched}/${total} = ${pct.toFixed(1)} %\n  ${lines.join("\n  ")}`);
    assert.ok(pct >= 90, `only ${pct.toFixed(1)} % of the recorded key paths`);
    // Per call the bar is lower: the recorded subnet list also holds external/VPC subnets whose extra
    // fields (is_external, enable_nat, …) a seed of VLAN subnets has no reason to show.
    for (const { call, score } of scores) assert.ok(score.matched / score.total >= 0.75, `${call}: ${score.matched}/${score.total}: ${score.missing.join(", ")}`);
  });
});
