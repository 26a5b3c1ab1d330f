/**
 * The etcd client against REAL etcd (Debian's `etcd-server`): TLS with certificates from our etcd CA and
 * `--client-cert-auth`, on loopback ports only. The scenario is the replacement of a one-member control
 * plane as KCP does it: add a second member (as a learner, then promoted), then remove the first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { EtcdClient, KubeApiError, KubeUnreachableError, generateCertificateAuthority, issueCertificate, issueEtcdClientCertificate, type TlsEndpoint } from "../../lib/kube";

const etcdBinary = spawnSync("etcd", ["--version"], { encoding: "utf8" });
const haveEtcd = etcdBinary.status === 0;

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  proc?: ChildProcess;
  log: string[];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ""}`);
    await sleep(200);
  }
}

test("etcd member list / add learner / promote / remove against real etcd over mutual TLS", { skip: haveEtcd ? false : "etcd binary not found on PATH (apt-get install etcd-server): real-etcd test skipped", timeout: 120_000 }, async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "kube-etcd-"));
  const etcdCa = await generateCertificateAuthority("etcd-ca", { keyAlgorithm: "ECDSA-P256" });
  const server = await issueCertificate(etcdCa, { commonName: "etcd-server", usage: "client-server", ipAddresses: ["127.0.0.1"], dnsNames: ["localhost"], validityMs: 3600_000 });
  await fsp.writeFile(path.join(dir, "ca.crt"), etcdCa.certPem);
  await fsp.writeFile(path.join(dir, "server.crt"), server.certPem);
  await fsp.writeFile(path.join(dir, "server.key"), server.keyPem, { mode: 0o600 });
  const client = await issueEtcdClientCertificate(etcdCa, { validityMs: 600_000 });
  const members: Member[] = [];
  for (const name of ["m1", "m2"]) members.push({ name, clientPort: await freePort(), peerPort: await freePort(), log: [] });
  const [m1, m2] = members as [Member, Member];
  const peer = (m: Member): string => `http://127.0.0.1:${m.peerPort}`;
  const start = (m: Member, initialCluster: Member[], state: "new" | "existing"): void => {
    m.proc = spawn(
      "etcd",
      [
        `--name=${m.name}`,
        `--data-dir=${path.join(dir, m.name)}`,
        `--listen-client-urls=https://127.0.0.1:${m.clientPort}`,
        `--advertise-client-urls=https://127.0.0.1:${m.clientPort}`,
        `--listen-peer-urls=${peer(m)}`,
        `--initial-advertise-peer-urls=${peer(m)}`,
        `--initial-cluster=${initialCluster.map((x) => `${x.name}=${peer(x)}`).join(",")}`,
        `--initial-cluster-state=${state}`,
        `--cert-file=${path.join(dir, "server.crt")}`,
        `--key-file=${path.join(dir, "server.key")}`,
        `--trusted-ca-file=${path.join(dir, "ca.crt")}`,
        "--client-cert-auth",
        "--listen-metrics-urls=",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    m.proc.stderr!.on("data", (c: Buffer) => m.log.push(c.toString()));
    m.proc.stdout!.on("data", (c: Buffer) => m.log.push(c.toString()));
  };
  const endpoint = (m: Member, cred = client): TlsEndpoint => ({ host: "127.0.0.1", port: m.clientPort, caPem: etcdCa.certPem, certPem: cred.certPem, keyPem: cred.keyPem });
  const etcd = new EtcdClient({ endpoints: [endpoint(m1), endpoint(m2)], timeoutMs: 5000 });
  try {
    start(m1, [m1], "new");
    await waitFor("m1 healthy", async () => ((await etcd.healthy()) ? true : undefined));
    const first = await etcd.memberList();
    assert.equal(first.length, 1);
    assert.equal(first[0]!.name, "m1");
    assert.match(first[0]!.ID, /^\d+$/, "uint64 ids travel as decimal strings");
    assert.deepEqual(first[0]!.clientURLs, [`https://127.0.0.1:${m1.clientPort}`]);

    // A certificate from another CA is refused by etcd's --client-cert-auth.
    const otherCa = await generateCertificateAuthority("other", { keyAlgorithm: "ECDSA-P256" });
    const stranger = await issueEtcdClientCertificate(otherCa, { validityMs: 600_000 });
    const bad = new EtcdClient({ endpoints: [endpoint(m1, stranger)], timeoutMs: 5000 });
    await assert.rejects(bad.memberList(), KubeUnreachableError);
    bad.close();

    // Scale up by one: a learner, started with --initial-cluster-state existing, then promoted.
    const added = await etcd.memberAdd([peer(m2)], { isLearner: true });
    assert.equal(added.isLearner, true);
    assert.equal(added.name, "", "a member that has not started yet has no name");
    start(m2, [m1, m2], "existing");
    await waitFor("m2 started", async () => ((await etcd.memberList()).some((m) => m.name === "m2") ? true : undefined));
    await waitFor("m2 promoted", async () => {
      await etcd.memberPromote(added.ID);
      return true;
    });
    const two = await etcd.memberList();
    assert.deepEqual(two.map((m) => [m.name, m.isLearner]), [["m1", false], ["m2", false]]);

    // An unknown id: etcd answers NotFound through the gateway.
    await assert.rejects(etcd.memberRemove("12345"), (e: unknown) => e instanceof KubeApiError && /member not found/.test(e.message));

    // Remove the old member; the client moves on to m2 once m1 stops answering.
    const m1Id = two.find((m) => m.name === "m1")!.ID;
    // Real etcd refuses a removal until the remaining members have been connected for etcd's health
    // interval (server.go mayRemoveMember: 503 "etcdserver: unhealthy cluster"); callers retry.
    let refusedAsUnhealthy = 0;
    let attempts = 0;
    const after = await waitFor("m1 removed", async () => {
      attempts++;
      try {
        return await etcd.memberRemove(m1Id);
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 503 && /unhealthy cluster/.test(e.message)) {
          refusedAsUnhealthy++;
          return undefined;
        }
        // An earlier attempt's removal can land while its answer is lost (m1, the member answering, is the one
        // removed): etcd then says the member is not found (the handler counts that as removed: etcdMemberGone).
        if (attempts > 1 && e instanceof KubeApiError && e.status === 404 && /member not found/.test(e.message)) return await etcd.memberList();
        throw e;
      }
    });
    console.log(`member remove refused as "unhealthy cluster" ${refusedAsUnhealthy} time(s) before etcd accepted it`);
    assert.deepEqual(after.map((m) => m.name), ["m2"]);
    await waitFor("m1 exits after its removal", async () => (m1.proc!.exitCode !== null || m1.proc!.signalCode !== null ? true : undefined), 30_000).catch(() => undefined);
    const last = await waitFor("list after removal", async () => {
      const l = await etcd.memberList();
      return l.length === 1 ? l : undefined;
    });
    assert.equal(last[0]!.name, "m2");
    // The survivor elects itself leader, then reports healthy.
    assert.equal(await waitFor("m2 healthy alone", async () => ((await etcd.healthy()) ? true : undefined)), true);
  } catch (e) {
    console.error(members.map((m) => `--- ${m.name}\n${m.log.join("").slice(-3000)}`).join("\n"));
    throw e;
  } finally {
    etcd.close();
    for (const m of members) if (m.proc && m.proc.exitCode === null) m.proc.kill("SIGTERM");
    await sleep(300);
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
