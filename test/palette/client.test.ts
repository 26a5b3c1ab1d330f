/**
 * The Palette client against the palette-emulator over loopback: the whole Nutanix flow with every request
 * checked against Palette's spec, paging, 429 backoff, 5xx and reset handling (a create is never blindly
 * replayed), 401, error mapping, project scoping, idempotent-by-name creates, and no secret in any log or error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isClusterReady, isPcgReady, PaletteError, PaletteHttp, validationErrors } from "../../lib/palette";
import { seededUid } from "../../lib/palette-emulator";
import { API_KEY, clusterEntity, until, withPalette, workerPool } from "../helpers/palette";
import { PaletteSpec } from "../helpers/palette-spec";

const spec = new PaletteSpec();
const PASSWORD = "pc-Secret-Passw0rd!";
const DEFAULT_PROJECT = seededUid("project", "Default");

const credentials = {
  NUTANIX_USER: "admin",
  NUTANIX_PASSWORD: PASSWORD,
  NUTANIX_ENDPOINT: "pc.example.test",
  NUTANIX_PORT: "9440",
  NUTANIX_INSECURE: "false",
};

test("the Nutanix flow: PCG, account, cluster, day 2, kubeconfig, delete — every request carries the key (and the project where scoped) and validates against the spec", async () => {
  await withPalette(async (h) => {
    const logs: string[] = [];
    const client = h.client({ project: "Default", log: (l) => logs.push(l) });
    const nutanix = await client.cloudTypes.requireCustom("nutanix");
    assert.equal(nutanix.isCustom, true);

    const first = await client.pcg.ensureSelfHosted("pcg-1");
    assert.equal(first.created, true);
    assert.equal(first.kubectlCommands.length, 2);
    const again = await client.pcg.ensureSelfHosted("pcg-1");
    assert.deepEqual({ uid: again.overlordUid, created: again.created }, { uid: first.overlordUid, created: false });
    const jet = await client.pcg.jetManifest(first.overlordUid);
    assert.match(jet, /kind: Namespace/);
    await client.pcg.allyManifest(first.overlordUid);
    const pcg = await until(async () => {
      const o = await client.pcg.get(first.overlordUid);
      return isPcgReady(o) ? o : undefined;
    });
    assert.equal(pcg.spec?.isSelfHosted, true);

    const accountUid = await client.accounts.create({ name: "nutanix-acct", overlordUid: first.overlordUid, credentials });
    const account = await client.accounts.get(accountUid);
    assert.equal(account?.metadata?.annotations?.overlordUid, first.overlordUid);
    assert.equal(account?.kind, "nutanix");
    await client.accounts.update(accountUid, { name: "nutanix-acct", overlordUid: first.overlordUid, credentials: { ...credentials, NUTANIX_PORT: "9441" } });

    const profileUid = await client.profiles.uidByName("nutanix-k8s-1.30");
    const entity = clusterEntity("wl-1", accountUid, profileUid);
    assert.deepEqual(validationErrors(await client.clusters.validate(entity)), []);
    const clusterUid = await client.clusters.create(entity);
    const cluster = await until(async () => {
      const c = await client.clusters.get(clusterUid);
      return isClusterReady(c, await client.clusters.overview(clusterUid)) ? c : undefined;
    });
    assert.equal(cluster.spec?.cloudType, "nutanix");
    const configUid = cluster.spec!.cloudConfigRef!.uid!;
    assert.equal((await client.clusters.findByName("wl-1"))?.metadata?.uid, clusterUid);

    const cfg = await client.cloudConfigs.get(configUid);
    assert.deepEqual(
      cfg?.spec?.machinePoolConfig?.map((p) => [p.name, p.size, p.isControlPlane]),
      [
        ["cp-pool", 3, true],
        ["workers-a", 2, false],
        ["workers-b", 1, false],
      ],
    );
    // scale up, add and remove a pool
    await client.cloudConfigs.updatePool(configUid, "workers-a", workerPool("wl-1", "workers-a", 4));
    assert.equal((await client.cloudConfigs.get(configUid))?.spec?.machinePoolConfig?.find((p) => p.name === "workers-a")?.size, 4);
    const added = await client.cloudConfigs.createPool(configUid, "workers-c", workerPool("wl-1", "workers-c", 1));
    assert.equal(added.created, true);
    assert.match(added.uid ?? "", /^[0-9a-f]{24}$/);
    assert.equal(await client.cloudConfigs.deletePool(configUid, "workers-c"), true);
    assert.equal(await client.cloudConfigs.deletePool(configUid, "workers-c"), false);
    // a machine change renames the template: a repave waits for approval
    await client.cloudConfigs.updatePool(configUid, "workers-b", workerPool("wl-1", "workers-b", 1, "workers-b-mt-1"));
    assert.equal((await client.clusters.get(clusterUid))?.status?.repave?.state, "Pending");
    await client.clusters.approveRepave(clusterUid);
    assert.equal((await client.clusters.get(clusterUid))?.status?.repave?.state, "Approved");

    const kubeconfig = await client.clusters.kubeconfig(clusterUid);
    assert.match(kubeconfig ?? "", /server: https:\/\/10\.0\.0\.50:6443/);
    assert.match((await client.clusters.kubeconfig(clusterUid, "admin")) ?? "", /wl-1-admin/);

    assert.equal(await client.clusters.delete(clusterUid), true);
    await until(async () => ((await client.clusters.getWithoutStatus(clusterUid)) === undefined ? true : undefined));
    assert.equal(await client.clusters.delete(clusterUid), false);
    assert.equal(await client.accounts.delete(accountUid), true);
    assert.equal(await client.pcg.delete(first.overlordUid), true);
    assert.equal(await client.pcg.delete(first.overlordUid), false);

    const reqs = await h.requests();
    assert.ok(reqs.length > 25);
    const problems = reqs.flatMap((r) => spec.validateRequest(r));
    assert.deepEqual(problems, []);
    for (const r of reqs) {
      assert.equal(r.headers.ApiKey, "***", `${r.method} ${r.path} carries the API key (masked in the log)`);
      const tenantLevel = r.path.startsWith("/v1/overlords") || r.path.startsWith("/v1/pcg/") || r.path.startsWith("/v1/clouds/") || r.path === "/v1/dashboard/projects/metadata";
      assert.equal(r.headers.ProjectUid, tenantLevel ? undefined : DEFAULT_PROJECT, `${r.method} ${r.path} scope`);
    }
    // the project was looked up once, by name
    assert.equal(reqs.filter((r) => r.path === "/v1/dashboard/projects/metadata").length, 1);
    // the second ensureSelfHosted did not POST
    assert.equal(reqs.filter((r) => r.path === "/v1/pcg/selfHosted").length, 1);
    const create = reqs.find((r) => r.method === "POST" && r.path === "/v1/spectroclusters/cloudTypes/nutanix")!;
    assert.equal((create.body as { spec: { machinepoolconfig: unknown[] } }).spec.machinepoolconfig.length, 3);
    const all = JSON.stringify(reqs) + logs.join("\n");
    assert.ok(!all.includes(PASSWORD) && !all.includes(API_KEY), "no secret in the request log or client log");
  });
});

test("paging: limit ≤ 50 and the continue token until it is empty", async () => {
  await withPalette(async (h) => {
    const client = h.client();
    const { overlordUid } = await client.pcg.ensureSelfHosted("pcg-paging");
    for (let i = 0; i < 57; i++) await client.accounts.create({ name: `acct-${String(i).padStart(2, "0")}`, overlordUid, credentials });
    await h.clearRequests();
    const all = await client.accounts.list();
    assert.equal(all.length, 57);
    assert.equal(new Set(all.map((a) => a.metadata?.uid)).size, 57);
    const reqs = await h.requests();
    assert.deepEqual(
      reqs.map((r) => [r.query.limit, r.query.continue === undefined]),
      [
        ["50", true],
        ["50", false],
      ],
    );
    assert.deepEqual(reqs.flatMap((r) => spec.validateRequest(r)), []);
    assert.equal((await client.accounts.findByName("acct-56"))?.metadata?.name, "acct-56");
  });
});

test("429: backoff with jitter, and the server's Retry-After when it sends one", async () => {
  await withPalette(async (h) => {
    const logs: string[] = [];
    const client = h.client({ log: (l) => logs.push(l) });
    await h.raw("PUT", "/_emulator/faults", { body: { rateLimitNext: 2 } });
    assert.deepEqual(await client.pcg.list(), []);
    assert.equal((await h.requests()).length, 3);
    assert.equal(logs.filter((l) => /retry \d\/4 of GET \/v1\/overlords .*TooManyRequests/.test(l)).length, 2);
    assert.ok(!logs.some((l) => l.includes("Retry-After")));

    logs.length = 0;
    await h.raw("PUT", "/_emulator/faults", { body: { rateLimitNext: 1, retryAfterSeconds: 0 } });
    await client.cloudTypes.list();
    assert.match(logs.join("\n"), /in 0 ms \(TooManyRequests, Retry-After\)/);

    // a 429 on a create is safe to resend (the rate limiter refused it before handling), even without a recovery
    await h.raw("PUT", "/_emulator/faults", { body: { rateLimitNext: 1 } });
    await h.clearRequests();
    const r = await client.http.request({ method: "POST", path: "/v1/pcg/selfHosted", body: { name: "pcg-429", cloudType: "nutanix" }, scope: "tenant" });
    assert.equal(r.status, 200);
    assert.equal((await h.requests()).filter((x) => x.path === "/v1/pcg/selfHosted").length, 2);
    assert.equal((await client.pcg.list("pcg-429")).length, 1);

    // exhausted retries: a clear error
    await h.raw("PUT", "/_emulator/faults", { body: { rateLimitNext: 10 } });
    await assert.rejects(client.pcg.list(), (e: unknown) => e instanceof PaletteError && e.status === 429 && /TooManyRequests.*gave up after 5 attempts/.test(e.message));
  });
});

test("a create whose answer is lost is not blindly replayed: the client finds it by name", async () => {
  await withPalette(async (h) => {
    const client = h.client({ project: "Default" });
    // applied and persisted, then the connection is reset
    await h.raw("PUT", "/_emulator/faults", { body: { resetNextWrites: 1 } });
    const r = await client.pcg.ensureSelfHosted("pcg-lost");
    assert.equal(r.created, false);
    let reqs = await h.requests();
    assert.equal(reqs.filter((x) => x.path === "/v1/pcg/selfHosted").length, 1, "the POST was sent once");
    assert.equal((await client.pcg.list()).filter((o) => o.metadata?.name === "pcg-lost").length, 1);

    // a 503 before handling: the lookup finds nothing, so the create is sent again
    await client.http.project();
    await h.raw("PUT", "/_emulator/faults", { body: { failNext: 1 } });
    await h.clearRequests();
    const accountUid = await client.accounts.create({ name: "acct-503", overlordUid: r.overlordUid, credentials });
    reqs = await h.requests();
    assert.equal(reqs.filter((x) => x.method === "POST").length, 2);
    assert.ok(reqs.some((x) => x.method === "GET" && x.path === "/v1/cloudaccounts/cloudTypes/nutanix"), "looked up by name before resending");
    assert.equal((await client.accounts.list()).filter((a) => a.metadata?.name === "acct-503").length, 1);

    // the cluster create: reset after apply → one cluster, its uid found by a search
    const profileUid = await client.profiles.uidByName("nutanix-k8s-1.30");
    await h.raw("PUT", "/_emulator/faults", { body: { resetNextWrites: 1 } });
    const uid = await client.clusters.create(clusterEntity("wl-lost", accountUid, profileUid));
    assert.match(uid, /^[0-9a-f]{24}$/);
    assert.equal((await client.clusters.search({})).length, 1);

    // without a recovery the engine refuses to replay
    const raw = new PaletteHttp({ endpoint: h.emu.url, apiKey: API_KEY, retry: { baseDelayMs: 1 } });
    await h.raw("PUT", "/_emulator/faults", { body: { resetNextWrites: 1 } });
    await assert.rejects(
      raw.request({ method: "POST", path: "/v1/pcg/selfHosted", body: { name: "pcg-x", cloudType: "nutanix" }, scope: "tenant" }),
      (e: unknown) => e instanceof PaletteError && e.status === 0 && /not retried: the create may have been applied/.test(e.message),
    );
    raw.close();
    assert.deepEqual((await h.requests()).flatMap((x) => spec.validateRequest(x)), []);
  });
});

test("401 without a valid key: a PaletteError that says what to check and never shows the key", async () => {
  await withPalette(async (h) => {
    const wrong = "wrong-key-0123456789";
    const client = h.client({ apiKey: wrong });
    await assert.rejects(client.pcg.list(), (e: unknown) => {
      assert.ok(e instanceof PaletteError);
      assert.equal(e.status, 401);
      assert.equal(e.code, "Unauthorized");
      assert.match(e.message, /GET \/v1\/overlords: HTTP 401 Unauthorized.*check the API key/);
      assert.ok(!e.message.includes(wrong));
      return true;
    });
    assert.throws(() => h.client({ apiKey: undefined }), /exactly one of apiKey and authorization/);
  });
});

test("errors {code, message, details, ref} become PaletteErrors; credentials never appear in them", async () => {
  await withPalette(async (h) => {
    const client = h.client({ project: "Default" });
    await assert.rejects(client.accounts.create({ name: "a", overlordUid: "0123456789abcdef01234567", credentials }), (e: unknown) => {
      assert.ok(e instanceof PaletteError);
      assert.equal(e.status, 404);
      assert.equal(e.code, "ResourceNotFound");
      assert.ok(e.isNotFound);
      assert.match(e.ref ?? "", /^emu-/);
      assert.match(e.message, /POST \/v1\/cloudaccounts\/cloudTypes\/nutanix \(cloud account "a"\): HTTP 404 ResourceNotFound: private cloud gateway 0123456789abcdef01234567 not found \[ref emu-/);
      assert.ok(!e.message.includes(PASSWORD));
      return true;
    });
    const { overlordUid } = await client.pcg.ensureSelfHosted("pcg-err");
    const profileUid = await client.profiles.uidByName("nutanix-k8s-1.30");
    const accountUid = await client.accounts.create({ name: "acct", overlordUid, credentials });
    const bad = clusterEntity("wl-bad", accountUid, profileUid);
    bad.spec!.machinepoolconfig = bad.spec!.machinepoolconfig!.slice(1);
    assert.deepEqual(validationErrors(await client.clusters.validate(bad)), ["machine pool machinepoolconfig: InvalidMachinePools: expected exactly one control-plane pool (a KubeadmControlPlane), got 0"]);
    await assert.rejects(client.clusters.create(bad), (e: unknown) => e instanceof PaletteError && e.status === 400 && /details: .*InvalidMachinePools/.test(e.message));
    await assert.rejects(client.profiles.uidByName("nope"), /cluster profile "nope" for cloud type nutanix not found \(nutanix profiles: "nutanix-k8s-1.30"\)/);
    assert.equal(await client.clusters.get("0123456789abcdef01234567"), undefined);
    assert.equal(await client.clusters.kubeconfig("0123456789abcdef01234567"), undefined);
  });
});

test("project scoping: ProjectUid resolved from the name; projects see their own and the tenant's objects", async () => {
  await withPalette(async (h) => {
    h.emu.state.projects.push({ uid: "b0b0b0b0b0b0b0b0b0b0b0b0", name: "Team-B" });
    const tenant = h.client();
    const a = h.client({ project: "Default" });
    const b = h.client({ project: "Team-B" });
    const { overlordUid } = await tenant.pcg.ensureSelfHosted("pcg-shared");
    const tenantAcct = await tenant.accounts.create({ name: "tenant-acct", overlordUid, credentials });
    const aAcct = await a.accounts.create({ name: "a-acct", overlordUid, credentials });
    assert.deepEqual((await tenant.accounts.list()).map((x) => x.metadata?.name), ["tenant-acct"]);
    assert.deepEqual((await a.accounts.list()).map((x) => [x.metadata?.name, x.metadata?.annotations?.scope]), [
      ["tenant-acct", "tenant"],
      ["a-acct", "project"],
    ]);
    assert.deepEqual((await b.accounts.list()).map((x) => x.metadata?.name), ["tenant-acct"]);
    assert.equal(await b.accounts.get(aAcct), undefined);
    assert.equal((await b.accounts.get(tenantAcct))?.metadata?.name, "tenant-acct");
    // the profile lives in Default: invisible to Team-B
    await assert.rejects(b.profiles.uidByName("nutanix-k8s-1.30"), /not found/);
    const missing = h.client({ project: "Nope" });
    await assert.rejects(missing.accounts.list(), (e: unknown) => e instanceof PaletteError && e.code === "ProjectNotFound" && /project "Nope" not found \(visible: "Default", "Team-B"\)/.test(e.message));
    const reqs = await h.requests();
    assert.ok(reqs.some((r) => r.headers.ProjectUid === "b0b0b0b0b0b0b0b0b0b0b0b0"));
    assert.deepEqual(reqs.flatMap((r) => spec.validateRequest(r)), []);
  });
});

test("register-cloud calls: register (idempotent), multipart uploads under field fileName, account keys — all valid per the spec", async () => {
  await withPalette(async (h) => {
    const client = h.client();
    assert.deepEqual(await client.cloudTypes.register("nutanix"), { created: false });
    const r = await client.cloudTypes.register("nutanix-lab", "Nutanix lab");
    assert.equal(r.created, true);
    await client.cloudTypes.upload("cloudProvider", "kind: List\nitems: []\n", "nutanix-lab");
    await client.cloudTypes.upload("templates/clusterTemplate", "kind: Cluster\n", "nutanix-lab");
    await client.cloudTypes.setAccountKeys(undefined, "nutanix-lab");
    assert.deepEqual(await client.cloudTypes.accountKeys("nutanix-lab"), ["NUTANIX_USER", "NUTANIX_PASSWORD", "NUTANIX_ENDPOINT", "NUTANIX_PORT", "NUTANIX_INSECURE"]);
    const got = await h.raw("GET", "/v1/clouds/cloudTypes/nutanix-lab/content/templates/clusterTemplate");
    assert.deepEqual(got.json, { yaml: "kind: Cluster\n" });
    await client.cloudTypes.requireCustom("nutanix-lab");
    await assert.rejects(client.cloudTypes.requireCustom("vsphere"), /no custom cloud type "vsphere".*register-cloud/);
    assert.deepEqual((await h.requests()).flatMap((x) => spec.validateRequest(x)), []);
  });
});

test("timeouts: a slow answer is abandoned and retried; the last error names the timeout", async () => {
  await withPalette(async (h) => {
    const logs: string[] = [];
    const client = h.client({ timeoutMs: 80, retry: { maxAttempts: 2, baseDelayMs: 1 }, log: (l) => logs.push(l) });
    await h.raw("PUT", "/_emulator/faults", { body: { latencyMs: 300 } });
    await assert.rejects(client.cloudTypes.list(), (e: unknown) => e instanceof PaletteError && e.code === "ETIMEDOUT" && /no answer within 80 ms.*gave up after 2 attempts/.test(e.message));
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /retry 1\/1 of GET \/v1\/clouds\/cloudTypes in \d+ ms \(ETIMEDOUT\)/);
  });
});

test("connection resets: a read is retried; a create reset before it was handled is looked up, not found, and sent again", async () => {
  await withPalette(async (h) => {
    const logs: string[] = [];
    const client = h.client({ log: (l) => logs.push(l) });
    await h.raw("PUT", "/_emulator/faults", { body: { resetNext: 2 } });
    assert.deepEqual(await client.pcg.list(), []);
    assert.equal(logs.filter((l) => /retry \d\/4 of GET \/v1\/overlords .*\(ECONNRESET\)/.test(l)).length, 2);
    await h.clearRequests();
    // the GET by name passes, then the POST's connection is reset before handling
    await client.pcg.list("pcg-reset");
    await h.raw("PUT", "/_emulator/faults", { body: { resetNext: 1 } });
    const r = await client.http.request<string>({
      method: "POST",
      path: "/v1/pcg/selfHosted",
      body: { name: "pcg-reset", cloudType: "nutanix" },
      scope: "tenant",
      recover: async () => (await client.pcg.findByName("pcg-reset"))?.metadata?.uid,
    });
    assert.equal(r.recovered, undefined);
    assert.equal(r.status, 200);
    const reqs = await h.requests();
    assert.deepEqual(
      reqs.map((x) => `${x.method} ${x.path}${x.query.name ? `?name=${x.query.name}` : ""}`),
      ["GET /v1/overlords?name=pcg-reset", "POST /v1/pcg/selfHosted", "GET /v1/overlords?name=pcg-reset", "POST /v1/pcg/selfHosted"],
    );
    assert.equal((await client.pcg.list("pcg-reset")).length, 1);
  });
});
