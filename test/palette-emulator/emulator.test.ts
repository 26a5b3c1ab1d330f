/**
 * The palette-emulator over loopback: its default seed, the PCG and cluster status lifecycles, 401/403, paging
 * with continue tokens, token-bucket 429s, the request log (secrets masked, DELETE clears), loopback only, and
 * every response of the flow validating against Palette's spec.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterView, derivePool, overlordView, PaletteEmulator, seededUid, type LoggedRequest } from "../../lib/palette-emulator";
import { API_KEY, clusterEntity, renderTemplate, sleep, withPalette, workerPool, type PaletteHarness } from "../helpers/palette";
import { PaletteSpec } from "../helpers/palette-spec";

const spec = new PaletteSpec();
const DEFAULT = seededUid("project", "Default");
const credentials = { NUTANIX_USER: "admin", NUTANIX_PASSWORD: "pw-Very-Secret-1", NUTANIX_ENDPOINT: "pc.example.test", NUTANIX_PORT: "9440", NUTANIX_INSECURE: "false" };

/** A raw call whose answer is checked against the spec. */
async function call(h: PaletteHarness, problems: string[], method: string, p: string, body?: unknown, project = true): Promise<{ status: number; json: unknown; text: string }> {
  const r = await h.raw(method, p, { body, headers: project ? { ProjectUid: DEFAULT } : {} });
  const pathOnly = p.split("?")[0]!;
  const isFile = (r.headers["content-type"] ?? "").startsWith("application/octet-stream");
  problems.push(...spec.validateResponse(method, pathOnly, r.status, isFile ? r.text : r.json));
  return { status: r.status, json: r.json, text: r.text };
}

/** Polls a GET and returns the distinct observations in order. */
async function observe(fetch: () => Promise<string>, stop: (s: string) => boolean, timeoutMs = 4000): Promise<string[]> {
  const seen: string[] = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await fetch();
    if (seen.at(-1) !== s) seen.push(s);
    if (stop(s) || Date.now() > end) return seen;
    await sleep(4);
  }
}

test("default seed: project Default, custom cloud type nutanix, cluster profile nutanix-k8s-1.30", async () => {
  await withPalette(async (h) => {
    const problems: string[] = [];
    const projects = await call(h, problems, "GET", "/v1/dashboard/projects/metadata?name=Default", undefined, false);
    assert.deepEqual(projects.json, { items: [{ metadata: { name: "Default", uid: DEFAULT } }] });
    const types = (await call(h, problems, "GET", "/v1/clouds/cloudTypes")).json as { cloudTypes: { name: string; isCustom: boolean }[] };
    assert.deepEqual(types.cloudTypes.find((t) => t.name === "nutanix")?.isCustom, true);
    const profiles = (await call(h, problems, "GET", "/v1/dashboard/clusterprofiles/metadata")).json as { items: { metadata: { name: string } }[] };
    assert.deepEqual(profiles.items.map((p) => p.metadata.name), ["nutanix-k8s-1.30"]);
    const keys = await call(h, problems, "GET", "/v1/clouds/cloudTypes/nutanix/cloudAccountKeys");
    assert.deepEqual(keys.json, { keys: ["NUTANIX_USER", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"] });
    assert.deepEqual(problems, []);
  });
});

test("PCG lifecycle: Pending → Importing (manifest downloaded) → Running, then Healthy; responses valid per the spec", async () => {
  await withPalette(
    async (h) => {
      const problems: string[] = [];
      const made = await call(h, problems, "POST", "/v1/pcg/selfHosted", { name: "pcg-1", cloudType: "nutanix" }, false);
      assert.equal(made.status, 200);
      const uid = (made.json as { overlordUid: string }).overlordUid;
      assert.match(uid, /^[0-9a-f]{24}$/);
      const state = async (): Promise<string> => {
        const o = (await call(h, problems, "GET", `/v1/overlords/${uid}`, undefined, false)).json as { status: { state: string; health?: { state: string } } };
        return `${o.status.state}/${o.status.health?.state ?? "-"}`;
      };
      await sleep(150);
      assert.equal(await state(), "Pending/-", "stays Pending until a manifest is downloaded");
      const jet = await call(h, problems, "GET", `/v1/pcg/${uid}/services/jet/manifest`, undefined, false);
      assert.match(jet.text, /overlordUid: "[0-9a-f]{24}"/);
      assert.equal(await state(), "Importing/-");
      await sleep(150);
      assert.equal(await state(), "Importing/-", "both manifests are needed");
      await call(h, problems, "GET", `/v1/pcg/${uid}/services/ally/manifest`, undefined, false);
      const seen = await observe(state, (s) => s === "Running/Healthy");
      assert.deepEqual(seen, ["Importing/-", "Running/UnHealthy", "Running/Healthy"]);
      const list = (await call(h, problems, "GET", "/v1/overlords?name=pcg-1", undefined, false)).json as { items: { spec: { isSelfHosted: boolean; spectroClusterUid?: string } }[] };
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0]!.spec.isSelfHosted, true);
      assert.ok(list.items[0]!.spec.spectroClusterUid);
      assert.equal((await call(h, problems, "POST", "/v1/pcg/selfHosted", { name: "pcg-1", cloudType: "nutanix" }, false)).status, 409);
      assert.deepEqual((await call(h, problems, "DELETE", `/v1/overlords/${uid}`, undefined, false)).json, { msg: "private cloud gateway pcg-1 deleted" });
      assert.equal((await call(h, problems, "GET", `/v1/overlords/${uid}`, undefined, false)).status, 404);
      assert.deepEqual(problems, []);
    },
    { stepMs: 60 },
  );
});

test("cluster lifecycle: 404, no status, Pending, Provisioning, Running, Healthy; day 2; delete: Deleting then 404 — responses valid per the spec", async () => {
  // compile the validators first so that polling keeps up with the steps
  for (const [m, p] of [
    ["GET", "/v1/spectroclusters/x"],
    ["GET", "/v1/dashboard/spectroclusters/x/overview"],
    ["POST", "/v1/spectroclusters/cloudTypes/nutanix"],
  ]) spec.validateResponse(m!, p!, m === "POST" ? 201 : 200, {});
  await withPalette(
    async (h) => {
      const problems: string[] = [];
      const pcg = (await call(h, problems, "POST", "/v1/pcg/selfHosted", { name: "pcg-1", cloudType: "nutanix" }, false)).json as { overlordUid: string };
      const acct = await call(h, problems, "POST", "/v1/cloudaccounts/cloudTypes/nutanix", { metadata: { name: "acct", annotations: { overlordUid: pcg.overlordUid } }, spec: { credentials } });
      assert.equal(acct.status, 201);
      const accountUid = (acct.json as { uid: string }).uid;
      const got = (await call(h, problems, "GET", `/v1/cloudaccounts/cloudTypes/nutanix/${accountUid}`)).json as { spec: { credentials: Record<string, string> } };
      assert.equal(got.spec.credentials.NUTANIX_PASSWORD, "***", "the password is masked on GET");
      assert.equal(got.spec.credentials.NUTANIX_USER, "admin");
      const entity = clusterEntity("wl-1", accountUid, seededUid("profile", "nutanix-k8s-1.30"));
      const v = await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix/validate", entity);
      assert.deepEqual(v.json, { machinePools: { results: [] }, profiles: [] });
      const made = await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", entity);
      assert.equal(made.status, 201);
      const uid = (made.json as { uid: string }).uid;
      const phase = async (): Promise<string> => {
        const r = await call(h, problems, "GET", `/v1/spectroclusters/${uid}`);
        if (r.status === 404) return "404";
        const c = r.json as { status?: { state: string } };
        if (!c.status) return "no-status";
        if (c.status.state !== "Running") return c.status.state;
        const o = (await call(h, problems, "GET", `/v1/dashboard/spectroclusters/${uid}/overview`)).json as { status: { health?: { state: string } } };
        return `Running/${o.status.health?.state}`;
      };
      // The first phase right after the create (each phase lasts stepMs), then the kubeconfig check.
      const first = await phase();
      assert.equal((await call(h, problems, "GET", `/v1/spectroclusters/${uid}/assets/kubeconfigclient`)).status, 404, "no kubeconfig before Running");
      const rest = await observe(phase, (s) => s === "Running/Healthy", 15_000);
      const seen = rest[0] === first ? rest : [first, ...rest];
      assert.deepEqual(seen, ["404", "no-status", "Pending", "Provisioning", "Running/UnHealthy", "Running/Healthy"]);
      const cluster = (await call(h, problems, "GET", `/v1/spectroclusters/${uid}`)).json as { spec: { cloudType: string; cloudConfigRef: { uid: string } }; status: { apiEndpoints: unknown } };
      assert.equal(cluster.spec.cloudType, "nutanix");
      assert.deepEqual(cluster.status.apiEndpoints, [{ host: "10.0.0.50", port: 6443 }]);
      const configUid = cluster.spec.cloudConfigRef.uid;
      assert.deepEqual((await call(h, problems, "GET", `/v1/spectroclusters/${uid}/status`)).json, { status: { state: "Running" } });
      const kc = await call(h, problems, "GET", `/v1/spectroclusters/${uid}/assets/kubeconfigclient`);
      assert.match(kc.text, /server: https:\/\/10\.0\.0\.50:6443/);
      await call(h, problems, "GET", `/v1/spectroclusters/${uid}/assets/kubeconfig?frp=true`);
      // search by name, paged
      const search = await call(h, problems, "POST", "/v1/dashboard/spectroclusters/search?limit=50", {
        filter: { conjunction: "and", filterGroups: [{ conjunction: "and", filters: [{ property: "clusterName", type: "string", condition: { string: { operator: "eq", match: { conjunction: "or", values: ["wl-1"] } } } }] }] },
      });
      assert.deepEqual((search.json as { items: { metadata: { uid: string } }[] }).items.map((i) => i.metadata.uid), [uid]);
      // day 2: scale, add, remove, repave
      assert.equal((await call(h, problems, "PUT", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools/workers-a`, workerPool("wl-1", "workers-a", 5))).status, 204);
      assert.equal((await call(h, problems, "PUT", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools/workers-a`, workerPool("wl-1", "workers-x", 5))).status, 400, "the path names the pool");
      assert.equal((await call(h, problems, "POST", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools`, workerPool("wl-1", "workers-c", 1))).status, 201);
      assert.equal((await call(h, problems, "POST", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools`, workerPool("wl-1", "workers-c", 1))).status, 409);
      assert.equal((await call(h, problems, "DELETE", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools/workers-c`)).status, 204);
      assert.equal((await call(h, problems, "DELETE", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools/cp-pool`)).status, 400);
      const cfg = (await call(h, problems, "GET", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}`)).json as { spec: { machinePoolConfig: { name: string; size: number }[] } };
      assert.deepEqual(cfg.spec.machinePoolConfig.map((p) => [p.name, p.size]), [
        ["cp-pool", 3],
        ["workers-a", 5],
        ["workers-b", 1],
      ]);
      assert.equal((await call(h, problems, "PATCH", `/v1/spectroclusters/${uid}/repave/approve`)).status, 400, "nothing to approve");
      await call(h, problems, "PUT", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/machinePools/workers-b`, workerPool("wl-1", "workers-b", 1, "workers-b-mt-9"));
      assert.equal(((await call(h, problems, "GET", `/v1/spectroclusters/${uid}/repave/status`)).json as { status: { state: string } }).status.state, "Pending");
      assert.equal((await call(h, problems, "PATCH", `/v1/spectroclusters/${uid}/repave/approve`)).status, 204);
      assert.equal((await call(h, problems, "PUT", `/v1/cloudconfigs/cloudTypes/nutanix/${configUid}/clusterConfig`, { clusterConfig: { values: entity.spec!.cloudConfig.values } })).status, 204);
      // the account is in use
      assert.equal((await call(h, problems, "DELETE", `/v1/cloudaccounts/cloudTypes/nutanix/${accountUid}`)).status, 409);
      // delete
      assert.equal((await call(h, problems, "DELETE", `/v1/spectroclusters/${uid}`)).status, 204);
      const gone = await observe(phase, (s) => s === "404");
      assert.deepEqual(gone, ["Deleting", "404"]);
      assert.equal((await call(h, problems, "DELETE", `/v1/cloudaccounts/cloudTypes/nutanix/${accountUid}`)).status, 204);
      assert.deepEqual(problems, []);
    },
    { stepMs: 500 },
  );
});

test("create checks: spec.cloudType, the account, the profile, one control-plane pool, a unique name", async () => {
  await withPalette(async (h) => {
    const problems: string[] = [];
    const pcg = (await call(h, problems, "POST", "/v1/pcg/selfHosted", { name: "p", cloudType: "nutanix" }, false)).json as { overlordUid: string };
    const accountUid = ((await call(h, problems, "POST", "/v1/cloudaccounts/cloudTypes/nutanix", { metadata: { name: "a", annotations: { overlordUid: pcg.overlordUid } }, spec: { credentials } })).json as { uid: string }).uid;
    const good = clusterEntity("c1", accountUid, seededUid("profile", "nutanix-k8s-1.30"));
    const noType = structuredClone(good);
    delete (noType.spec as { cloudType?: string }).cloudType;
    assert.match(JSON.stringify((await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", noType)).json), /spec.cloudType: required/);
    assert.equal((await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", { ...good, spec: { ...good.spec!, cloudAccountUid: "ffffffffffffffffffffffff" } })).status, 404);
    assert.equal((await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", { ...good, spec: { ...good.spec!, profiles: [{ uid: "nope" }] } })).status, 404);
    const twoCp = structuredClone(good);
    twoCp.spec!.machinepoolconfig!.push(twoCp.spec!.machinepoolconfig![0]!);
    const v = (await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix/validate", twoCp)).json as { machinePools: { results: { errors: { code: string }[] }[] } };
    assert.deepEqual(v.machinePools.results.flatMap((r) => r.errors.map((e) => e.code)), ["DuplicateMachinePool"]);
    assert.equal((await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", good)).status, 201);
    assert.equal((await call(h, problems, "POST", "/v1/spectroclusters/cloudTypes/nutanix", good)).status, 409);
    assert.equal((await call(h, problems, "POST", "/v1/cloudaccounts/cloudTypes/nutanix", { metadata: { name: "b", annotations: { overlordUid: pcg.overlordUid } }, spec: {} })).status, 400);
    assert.deepEqual(problems, []);
  });
});

test("auth and scope: 401 without a valid key (logged, masked), 403 for an unknown ProjectUid", async () => {
  await withPalette(async (h) => {
    const none = await h.raw("GET", "/v1/overlords", { auth: false });
    assert.equal(none.status, 401);
    assert.equal((none.json as { code: string }).code, "Unauthorized");
    const wrong = await h.raw("GET", "/v1/overlords", { auth: false, headers: { apikey: "nope" } });
    assert.equal(wrong.status, 401);
    assert.equal((await h.raw("GET", "/v1/overlords", { auth: false, headers: { Authorization: API_KEY } })).status, 200);
    const forbidden = await h.raw("GET", "/v1/dashboard/clusterprofiles/metadata", { headers: { ProjectUid: "000000000000000000000000" } });
    assert.equal(forbidden.status, 403);
    assert.equal((await h.raw("GET", "/_emulator/requests", { auth: false })).status, 401);
    const log = await h.requests();
    assert.deepEqual(log.map((r) => r.headers.apikey ?? r.headers.ApiKey ?? r.headers.Authorization ?? "-"), ["-", "***", "***", "***"]);
    assert.equal((await h.raw("GET", "/v1/no/such/path")).status, 404);
    assert.equal((await h.raw("PATCH", "/v1/overlords")).status, 405);
  });
});

test("paging: limit ≤ 50, continue tokens in listmeta, an empty continue at the end", async () => {
  await withPalette(async (h) => {
    const pcg = ((await h.raw("POST", "/v1/pcg/selfHosted", { body: { name: "p", cloudType: "nutanix" } })).json as { overlordUid: string }).overlordUid;
    for (let i = 0; i < 7; i++) await h.raw("POST", "/v1/cloudaccounts/cloudTypes/nutanix", { body: { metadata: { name: `a${i}`, annotations: { overlordUid: pcg } }, spec: { credentials } } });
    const names: string[] = [];
    let cont = "";
    const metas: unknown[] = [];
    do {
      const r = (await h.raw("GET", `/v1/cloudaccounts/cloudTypes/nutanix?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`)).json as { items: { metadata: { name: string } }[]; listmeta: { continue: string; count: number; offset: number } };
      assert.deepEqual(spec.validateResponse("GET", "/v1/cloudaccounts/cloudTypes/nutanix", 200, r), []);
      names.push(...r.items.map((i) => i.metadata.name));
      metas.push([r.listmeta.offset, r.listmeta.count]);
      cont = r.listmeta.continue;
    } while (cont);
    assert.deepEqual(names, ["a0", "a1", "a2", "a3", "a4", "a5", "a6"]);
    assert.deepEqual(metas, [
      [0, 7],
      [3, 7],
      [6, 7],
    ]);
    assert.equal((await h.raw("GET", "/v1/cloudaccounts/cloudTypes/nutanix?limit=51")).status, 400);
    assert.equal((await h.raw("GET", "/v1/cloudaccounts/cloudTypes/nutanix?continue=garbage")).status, 400);
    assert.equal(((await h.raw("GET", "/v1/cloudaccounts/cloudTypes/nutanix?limit=0")).json as { items: unknown[] }).items.length, 7, "limit=0 (palette-sdk-go's) means the default");
  });
});

test("429: a token bucket per resource prefix, with Retry-After only when configured", async () => {
  await withPalette(
    async (h) => {
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await h.raw("GET", "/v1/overlords")).status);
      assert.deepEqual(codes, [200, 200, 429, 429]);
      const r = await h.raw("GET", "/v1/overlords");
      assert.equal((r.json as { code: string }).code, "TooManyRequests");
      assert.equal(r.headers["retry-after"], undefined);
      assert.equal((await h.raw("GET", "/v1/clouds/cloudTypes")).status, 200, "another prefix has its own bucket");
      await h.raw("PUT", "/_emulator/faults", { body: { retryAfterSeconds: 3 } });
      assert.equal((await h.raw("GET", "/v1/overlords")).headers["retry-after"], "3");
      await h.raw("PUT", "/_emulator/faults", { body: { requestBudget: 1 } });
      assert.equal((await h.raw("GET", "/v1/dashboard/projects/metadata")).status, 200);
      assert.equal((await h.raw("GET", "/v1/dashboard/projects/metadata")).status, 429);
      assert.equal((await h.raw("PUT", "/_emulator/faults", { body: { errorRate: 2 } })).status, 400);
    },
    { rateLimit: { perSecond: 0.01, burst: 2 } },
  );
});

test("request log: {method, path, query, headers, body} with secrets masked; DELETE clears it", async () => {
  await withPalette(async (h) => {
    const pcg = ((await h.raw("POST", "/v1/pcg/selfHosted", { body: { name: "p", cloudType: "nutanix" } })).json as { overlordUid: string }).overlordUid;
    await h.raw("POST", "/v1/cloudaccounts/cloudTypes/nutanix?x=1", { body: { metadata: { name: "a", annotations: { overlordUid: pcg } }, spec: { credentials } }, headers: { ProjectUid: DEFAULT } });
    const log = await h.requests();
    assert.equal(log.length, 2);
    const entry = log[1] as LoggedRequest;
    assert.deepEqual(Object.keys(entry), ["method", "path", "query", "headers", "body"]);
    assert.equal(entry.method, "POST");
    assert.equal(entry.path, "/v1/cloudaccounts/cloudTypes/nutanix");
    assert.deepEqual(entry.query, { x: "1" });
    assert.equal(entry.headers.ProjectUid, DEFAULT);
    assert.equal(entry.headers.ApiKey, "***");
    assert.deepEqual((entry.body as { spec: { credentials: Record<string, string> } }).spec.credentials, { ...credentials, NUTANIX_PASSWORD: "***" });
    assert.equal(log[0]!.body && (log[0]!.body as { name: string }).name, "p");
    const text = JSON.stringify(log) + JSON.stringify((await h.raw("GET", "/_emulator/state")).json);
    assert.ok(!text.includes(credentials.NUTANIX_PASSWORD) && !text.includes(API_KEY));
    await h.clearRequests();
    assert.deepEqual(await h.requests(), []);
  });
});

test("loopback only", () => {
  assert.throws(() => new PaletteEmulator({ apiKey: "k", host: "0.0.0.0" }), /not a loopback address/);
  assert.throws(() => new PaletteEmulator({ apiKey: "" }), /API key is required/);
});

test("pure: lifecycles as functions of time, pools derived from the terraform example's YAML", () => {
  const o = { uid: "u", name: "n", cloudType: "nutanix", createdAt: 0, kubectlCommands: [] };
  assert.equal(overlordView(o, 10_000, 100).state, "Pending");
  assert.equal(overlordView({ ...o, jetAt: 50 }, 10_000, 100).state, "Importing");
  assert.deepEqual(overlordView({ ...o, jetAt: 50, allyAt: 100 }, 199, 100), { state: "Importing", healthy: false });
  assert.deepEqual(overlordView({ ...o, jetAt: 50, allyAt: 100 }, 200, 100), { state: "Running", healthy: false, runningAt: 200 });
  assert.equal(overlordView({ ...o, jetAt: 50, allyAt: 100 }, 300, 100).healthy, true);
  const c = { createdAt: 0 } as Parameters<typeof clusterView>[0];
  assert.deepEqual([0, 100, 200, 300, 400, 500].map((t) => clusterView(c, t, 100).phase + (clusterView(c, t, 100).healthy ? "+" : "")), ["absent", "no-status", "Pending", "Provisioning", "Running", "Running+"]);
  assert.deepEqual([500, 600].map((t) => clusterView({ ...c, deleteAt: 500 }, t, 100).phase), ["Deleting", "gone"]);
  const worker = renderTemplate("worker_pool_config.yaml", {
    CLUSTER_NAME: "c",
    WORKER_NODE_POOL_NAME: "md-0",
    WORKER_NODE_SIZE: 2,
    TLS_CIPHER_SUITES: "x",
    KUBERNETES_VERSION: "v1.30.4",
    NUTANIX_SSH_AUTHORIZED_KEY: "k",
    NUTANIX_PRISM_ELEMENT_CLUSTER_NAME: "pe",
    NUTANIX_MACHINE_TEMPLATE_IMAGE_NAME: "img",
    NUTANIX_SUBNET_NAME: "s",
    NUTANIX_MACHINE_BOOT_TYPE: "legacy",
    NUTANIX_MACHINE_VCPU_SOCKET: 2,
    NUTANIX_MACHINE_VCPU_PER_SOCKET: 1,
    NUTANIX_SYSTEMDISK_SIZE: "40Gi",
    NUTANIX_MACHINE_MEMORY_SIZE: "4Gi",
  });
  assert.deepEqual(derivePool(worker), { name: "md-0", size: 2, isControlPlane: false, machineTemplate: "worker-pool-resource" });
  assert.match(String(derivePool("kind: ConfigMap\nmetadata:\n  name: x\n")), /no document with spec.replicas/);
  assert.match(String(derivePool("kind: MachineDeployment\nmetadata:\n  name: x\nspec:\n  replicas: ${N}\n")), /spec.replicas must be a whole number/);
});
