/**
 * The client against recorded-shape real Prism answers (test/fixtures/prism), served by a tiny
 * node:http server on loopback, so it is proven against real shapes and not only the emulator.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PrismApiError, PrismClient, PrismLookupError, PrismTaskError, taskUuidsOf, type VmEntity } from "../../lib/prism";

const FIX = path.join(__dirname, "..", "fixtures", "prism");
const fixture = (name: string): string => readFileSync(path.join(FIX, name), "utf8");

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; file?: string; text?: string; headers?: Record<string, string | string[]> } | "reset";

async function withFixtureServer(
  route: (req: Seen, n: number) => Answer,
  fn: (client: PrismClient, seen: Seen[], logs: string[]) => Promise<void>,
  clientOpts: Partial<ConstructorParameters<typeof PrismClient>[0]> = {},
): Promise<void> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(s);
      const a = route(s, seen.length);
      if (a === "reset") {
        req.socket.destroy();
        return;
      }
      const text = a.file ? fixture(a.file) : (a.text ?? "");
      res.writeHead(a.status, { "Content-Type": a.file ? "application/json" : "text/plain", ...(a.headers ?? {}) });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const logs: string[] = [];
  const client = new PrismClient({
    endpoint: `http://127.0.0.1:${port}`,
    username: "admin",
    password: "Nutanix/4u",
    retries: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    logger: (l) => logs.push(l),
    ...clientOpts,
  });
  try {
    await fn(client, seen, logs);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const path_ = (s: Seen): string => `${s.method} ${s.url}`;

test("wire basics: base path, headers, basic auth, body with api_version and kind", async () => {
  await withFixtureServer(
    () => ({ status: 200, file: "clusters-list.json" }),
    async (c, seen) => {
      await c.listPage("clusters", {});
      const s = seen[0]!;
      assert.equal(path_(s), "POST /api/nutanix/v3/clusters/list");
      assert.equal(s.headers["content-type"], "application/json");
      assert.equal(s.headers.accept, "application/json");
      assert.equal(s.headers.authorization, `Basic ${Buffer.from("admin:Nutanix/4u").toString("base64")}`);
      assert.deepEqual(JSON.parse(s.body), { kind: "cluster" });
    },
  );
});

test("clusters/list without length/offset: listAll stops, resolveCluster skips Prism Central", async () => {
  await withFixtureServer(
    () => ({ status: 200, file: "clusters-list.json" }),
    async (c, seen) => {
      const all = await c.listAll("clusters", { pageSize: 1 });
      assert.equal(all.length, 2);
      const pe = await c.resolveCluster({ name: "GANON" });
      assert.equal(pe.uuid, "0005f0a1-0000-4000-8000-000000000001");
      await assert.rejects(c.resolveCluster({ name: "ncn-dev-pc" }), (e: unknown) => e instanceof PrismLookupError && /only a Prism Central has that name/.test(e.message));
      assert.ok(seen.length <= 4, "no infinite paging on a server that ignores offset");
    },
  );
});

test("task_uuid: a string in 202 answers, an array in GET and list answers", async () => {
  await withFixtureServer(
    (s) =>
      s.url.includes("/idempotence_identifiers")
        ? s.method === "POST"
          ? { status: 200, file: "idempotence-200.json" }
          : { status: 404, file: "error-404.json" }
        : s.method === "POST" && s.url.endsWith("/vms")
        ? { status: 202, file: "vm-create-202.json" }
        : s.url.endsWith("/vms/list")
          ? { status: 200, file: "vm-list.json" }
          : s.method === "DELETE"
            ? { status: 202, file: "vm-delete-202.json" }
            : { status: 200, file: "vm-get.json" },
    async (c, seen) => {
      const created = await c.createVm({ metadata: { kind: "vm" }, spec: { name: "test-vm", resources: {} } });
      assert.equal(created.taskUuid, "e074cb94-0000-4000-8000-000000000002");
      // GET the slot's reservation (404), reserve one uuid, then POST with it.
      assert.deepEqual(seen.slice(0, 3).map((x) => x.method), ["GET", "POST", "POST"]);
      const sentBody = JSON.parse(seen[2]!.body) as { api_version: string; metadata: { uuid: string; kind: string } };
      assert.equal(sentBody.api_version, "3.1");
      assert.equal(sentBody.metadata.uuid, "ab411b1a-f173-4009-9a8f-3d6e996c752a", "the reserved uuid is sent");
      const vm = (await c.getVm("bdbb0000-0000-4000-8000-000000000001")) as VmEntity;
      assert.deepEqual(taskUuidsOf(vm), ["e074cb94-0000-4000-8000-000000000001"]);
      const vms = await c.listVms("vm_name==test-vm");
      assert.equal(vms.length, 1);
      assert.deepEqual(taskUuidsOf(vms[0]), ["e074cb94-0000-4000-8000-000000000001"]);
      assert.equal(await c.deleteVm("bdbb0000-0000-4000-8000-000000000001"), "e074cb94-0000-4000-8000-000000000003");
    },
  );
});

test("the failed task of TF #289 surfaces error_detail; RUNNING → SUCCEEDED is polled with backoff", async () => {
  await withFixtureServer(
    (s, n) => (s.url.endsWith("000000000002") ? { status: 200, file: "task-failed.json" } : { status: 200, file: n < 4 ? "task-running.json" : "task-succeeded.json" }),
    async (c, seen) => {
      const err = await c.waitForTask("e074cb94-0000-4000-8000-000000000002").then(() => null, (e: unknown) => e);
      assert.ok(err instanceof PrismTaskError);
      assert.equal(err.taskStatus, "FAILED");
      assert.equal(err.errorDetail, "INTERNAL_ERROR: ErrorCode: 9");
      assert.equal(err.message, "task e074cb94-0000-4000-8000-000000000002 FAILED: INTERNAL_ERROR: ErrorCode: 9");
      const ok = await c.waitForTask("e074cb94-0000-4000-8000-000000000004", { initialDelayMs: 5 });
      assert.equal(ok.status, "SUCCEEDED");
      assert.equal(seen.length, 4);
    },
  );
});

test("error bodies: 404 → null/gone, 422 with details, 500 retried then typed, 409 message", async () => {
  await withFixtureServer(
    (s) =>
      s.url.includes("/vms/missing")
        ? { status: 404, file: "error-404.json" }
        : s.url.includes("/vms/invalid")
          ? { status: 422, file: "error-422.json" }
          : s.url.includes("/vms/conflict")
            ? { status: 409, file: "error-409.json" }
            : { status: 500, file: "error-500.json" },
    async (c) => {
      assert.equal(await c.getVm("missing"), null);
      assert.equal(await c.deleteVm("missing"), null);
      const e422 = await c.call("PUT", "/vms/invalid", {}).then(() => null, (e: unknown) => e);
      assert.ok(e422 instanceof PrismApiError);
      assert.equal(e422.status, 422);
      assert.deepEqual(e422.reasons, ["INVALID_REQUEST"]);
      assert.equal(e422.message, "PUT /vms/invalid: 422 INVALID_REQUEST: Request could not be processed. ('api_version' is a required property)");
      const e409 = await c.call("PUT", "/vms/conflict", {}).then(() => null, (e: unknown) => e);
      assert.ok(e409 instanceof PrismApiError && e409.isEditConflict);
      assert.equal(e409.message, "PUT /vms/conflict: 409 CONCURRENT_REQUESTS_NOT_ALLOWED: Edit conflict: please retry change.");
      const before = c.stats.retries;
      const e500 = await c.getVm("boom").then(() => null, (e: unknown) => e);
      assert.ok(e500 instanceof PrismApiError);
      assert.equal(e500.status, 500);
      assert.deepEqual(e500.reasons, ["INTERNAL_ERROR"]);
      assert.equal(c.stats.retries - before, 3, "5xx retried up to maxAttempts");
      assert.doesNotMatch(`${e422.message}${e409.message}${e500.message}`, /Nutanix\/4u|Basic/);
    },
  );
});

test("2xx with status.state ERROR is returned for the caller to read (PGC, TF); non-2xx JSON whose state is not ERROR is a success (PGC quirk)", async () => {
  await withFixtureServer(
    (s) => (s.url.endsWith("/vms") ? { status: 200, file: "status-error-200.json" } : { status: 400, text: JSON.stringify({ state: "PENDING", note: "odd" }), headers: { "Content-Type": "application/json" } }),
    async (c) => {
      const errored = await c.call<VmEntity>("POST", "/vms", {});
      assert.equal(errored.status?.state, "ERROR", "returned, not thrown: such a VM can be read and deleted");
      assert.deepEqual(await c.call("GET", "/odd"), { state: "PENDING", note: "odd" });
    },
  );
});

test("categories: ENTITY_NOT_FOUND and CATEGORY_NAME_VALUE_MISMATCH lead to a PUT; then cached", async () => {
  const made = new Set<string>();
  await withFixtureServer(
    (s) => {
      const key = s.url.endsWith("/categories/KubernetesClusterName");
      const value = s.url.endsWith("/categories/KubernetesClusterName/my-cluster");
      if (s.method === "PUT") {
        made.add(s.url);
        return { status: 200, file: key ? "category-key.json" : "category-value.json" };
      }
      if (key) return made.has(s.url) ? { status: 200, file: "category-key.json" } : { status: 404, file: "category-key-404.json" };
      if (value) return made.has(s.url) ? { status: 200, file: "category-value.json" } : { status: 404, file: "category-value-404.json" };
      return { status: 404, file: "error-404.json" };
    },
    async (c, seen) => {
      assert.equal(await c.ensureCategoryValue("KubernetesClusterName", "my-cluster"), true);
      assert.deepEqual(
        seen.map(path_),
        [
          "GET /api/nutanix/v3/categories/KubernetesClusterName",
          "PUT /api/nutanix/v3/categories/KubernetesClusterName",
          "GET /api/nutanix/v3/categories/KubernetesClusterName/my-cluster",
          "PUT /api/nutanix/v3/categories/KubernetesClusterName/my-cluster",
        ],
      );
      assert.deepEqual(JSON.parse(seen[1]!.body), { name: "KubernetesClusterName", description: "Managed by nutanix-palette-cdk" });
      assert.deepEqual(JSON.parse(seen[3]!.body), { value: "my-cluster" });
      assert.equal(await c.ensureCategoryValue("KubernetesClusterName", "my-cluster"), false);
      assert.equal(seen.length, 4);
    },
  );
});

test("429 Retry-After (seconds and HTTP date) is honoured; resets are retried", async () => {
  await withFixtureServer(
    (_s, n) =>
      n === 1
        ? { status: 429, text: "slow down", headers: { "Retry-After": "1" } }
        : n === 2
          ? { status: 429, text: "slow down", headers: { "Retry-After": new Date(Date.now() + 1000).toUTCString() } }
          : n === 3
            ? "reset"
            : { status: 200, file: "users-me.json" },
    async (c, seen, logs) => {
      const t0 = Date.now();
      assert.equal(await c.checkAuth(), "admin");
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 900, `waited ${elapsed} ms`);
      assert.equal(seen.length, 4);
      assert.equal(c.stats.retries, 3);
      assert.equal(logs.filter((l) => /Retry-After/.test(l)).length, 2);
    },
  );
});

test("session: login keeps cookies; an expired cookie gets 401, one re-login, and the POST body is sent again (pitfall 7)", async () => {
  let token = 0;
  await withFixtureServer(
    (s) => {
      if (s.url.endsWith("/users/me")) {
        token++;
        return { status: 200, file: "users-me.json", headers: { "Set-Cookie": [`NTNX_IAM_SESSION=t${token}; Path=/; HttpOnly`, "JSESSIONID=j; Path=/"] } };
      }
      if (s.headers.cookie?.includes("NTNX_IAM_SESSION=t1")) return { status: 401, text: "Authentication required" };
      return { status: 200, file: "vm-list.json" };
    },
    async (c, seen) => {
      await c.login();
      const vms = await c.listPage("vms", { filter: "vm_name==test-vm" });
      assert.equal(vms.entities?.length, 1);
      assert.deepEqual(
        seen.map((s) => `${path_(s)} ${s.headers.cookie ?? "basic"} ${s.body.length}`),
        [
          "GET /api/nutanix/v3/users/me basic 0",
          `POST /api/nutanix/v3/vms/list NTNX_IAM_SESSION=t1; JSESSIONID=j ${seen[1]!.body.length}`,
          "GET /api/nutanix/v3/users/me basic 0",
          `POST /api/nutanix/v3/vms/list NTNX_IAM_SESSION=t2; JSESSIONID=j ${seen[1]!.body.length}`,
        ],
      );
      assert.ok(seen[3]!.body.length > 0);
      assert.equal(seen[3]!.body, seen[1]!.body);
      assert.equal(seen[3]!.headers.authorization, undefined, "cookies only");
    },
  );
});

test("endpoint parsing: host[:port] defaults to https and 9440", () => {
  assert.equal(new PrismClient({ endpoint: "pc.example.com", username: "u", password: "p" }).endpoint.href, "https://pc.example.com:9440/");
  assert.equal(new PrismClient({ endpoint: "10.0.0.5:9441", username: "u", password: "p" }).endpoint.href, "https://10.0.0.5:9441/");
  assert.equal(new PrismClient({ endpoint: "http://127.0.0.1:8080/x", username: "u", password: "p" }).endpoint.href, "http://127.0.0.1:8080/");
  assert.equal(new PrismClient({ endpoint: "[::1]", username: "u", password: "p" }).endpoint.href, "https://[::1]:9440/");
  assert.throws(() => new PrismClient({ endpoint: "ftp://x", username: "u", password: "p" }), /https:\/\/ or http:\/\//);
});

test("updateVm with wait: a task failing with an edit conflict (pc.2022.1+) re-reads and retries", async () => {
  const conflictTask = JSON.stringify({ uuid: "t-1", status: "FAILED", error_detail: "CONCURRENT_REQUESTS_NOT_ALLOWED: Edit conflict: please retry change." });
  const okTask = JSON.stringify({ uuid: "t-2", status: "SUCCEEDED", percentage_complete: 100 });
  let puts = 0;
  await withFixtureServer(
    (s) => {
      if (s.method === "PUT") {
        puts++;
        return { status: 202, text: JSON.stringify({ api_version: "3.1", metadata: { kind: "vm" }, spec: {}, status: { state: "PENDING", execution_context: { task_uuid: `t-${puts}` } } }), headers: { "Content-Type": "application/json" } };
      }
      if (s.url.endsWith("/tasks/t-1")) return { status: 200, text: conflictTask, headers: { "Content-Type": "application/json" } };
      if (s.url.endsWith("/tasks/t-2")) return { status: 200, text: okTask, headers: { "Content-Type": "application/json" } };
      return { status: 200, file: "vm-get.json" };
    },
    async (c, seen) => {
      const t = await c.updateVm("bdbb0000-0000-4000-8000-000000000001", (spec) => {
        spec.resources.power_state = "ON";
      }, { wait: { initialDelayMs: 1 } });
      assert.equal(t, "t-2");
      assert.equal(c.stats.conflicts, 1);
      const putBodies = seen.filter((s) => s.method === "PUT").map((s) => JSON.parse(s.body) as { metadata: { spec_version: number }; spec: { resources: { power_state: string } }; status?: unknown });
      assert.equal(putBodies.length, 2);
      for (const b of putBodies) {
        assert.equal(b.status, undefined, "status is dropped");
        assert.equal(b.metadata.spec_version, 0, "metadata sent back unchanged");
        assert.equal(b.spec.resources.power_state, "ON");
      }
      assert.equal(seen.filter((s) => s.method === "GET" && s.url.includes("/vms/")).length, 2, "re-read before the retry");
    },
  );
});

test("a task that answers 404 right after its 202 is polled again, not taken as absent; SUSPENDED is reported", async () => {
  const suspended = JSON.stringify({ uuid: "e074cb94-0000-4000-8000-000000000004", status: "SUSPENDED", operation_type: "update_vm_intentful", progress_message: "update_vm_intentful" });
  await withFixtureServer(
    (_s, n) =>
      n === 1
        ? { status: 404, file: "error-404.json" }
        : n === 2
          ? { status: 200, text: suspended, headers: { "Content-Type": "application/json" } }
          : { status: 200, file: "task-succeeded.json" },
    async (c, seen, logs) => {
      const t0 = Date.now();
      const ok = await c.waitForTask("e074cb94-0000-4000-8000-000000000004", { initialDelayMs: 5, minPollIntervalMs: 50 });
      assert.equal(ok.status, "SUCCEEDED");
      assert.equal(seen.length, 3, "404, SUSPENDED, SUCCEEDED");
      assert.ok(Date.now() - t0 >= 100, "polls after the first are at least minPollIntervalMs apart");
      assert.ok(logs.some((l) => /is SUSPENDED/.test(l)), logs.join("\n"));
    },
  );
});

test("a create whose POST got a 500 is not POSTed again before its reserved uuid was read", async () => {
  let posts = 0;
  await withFixtureServer(
    (s) => {
      if (s.url.includes("/idempotence_identifiers")) return s.method === "POST" ? { status: 200, file: "idempotence-200.json" } : { status: 404, file: "error-404.json" };
      if (s.method === "POST" && s.url.endsWith("/vms")) {
        posts++;
        return { status: 500, file: "error-500.json" };
      }
      // The first POST was in fact accepted: the reserved uuid is there.
      return { status: 200, file: "vm-get.json" };
    },
    async (c, seen) => {
      const r = await c.createVmIdempotent("slot/x", { metadata: { kind: "vm" }, spec: { name: "test-vm", resources: {} } });
      assert.equal(r.existed, true);
      assert.equal(posts, 1, "never repeated blindly");
      assert.deepEqual(seen.map((x) => `${x.method} ${x.url.replace("/api/nutanix/v3", "")}`).slice(-1), [`GET /vms/ab411b1a-f173-4009-9a8f-3d6e996c752a`]);
    },
  );
});
