/**
 * The cluster PKI the handler owns, as Cluster API's kubeadm bootstrap provider owns it
 * (`kubernetes-sigs/cluster-api` `util/secret/certificates.go`): a cluster CA, an etcd CA, a front-proxy CA
 * and a service-account key pair, generated once with random keys and written to every control-plane node
 * at the paths kubeadm reads (kubeadm `cmd/kubeadm/app/constants/constants.go`: KubernetesDir
 * "/etc/kubernetes", DefaultCertificateDir "pki", CACertAndKeyBaseName "ca", EtcdCACertAndKeyBaseName
 * "etcd/ca", FrontProxyCACertAndKeyBaseName "front-proxy-ca", ServiceAccountKeyBaseName "sa"). When these
 * files exist, `kubeadm init` and `kubeadm join --control-plane` use them instead of generating their own
 * (kubernetes.io "Certificate Management with kubeadm", "Custom certificates"; the "certs" phase skips a
 * CA whose files are present).
 *
 * Certificates are built with `@peculiar/x509` over WebCrypto; no ASN.1 is written by hand.
 */
import { X509Certificate as NodeX509, createHash, randomBytes, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { KubeInputError } from "./errors";
import { exportKeyPair, generateKeyPair, importSigningKey, keyKind, signatureParams, type KeyAlgorithm, type KeyPairPem } from "./keys";

/** A CA certificate and its private key, PEM. */
export interface CertificateAuthority {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A certificate with its private key, PEM. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

/** Everything kubeadm needs so that every control-plane node shares one identity. */
export interface ClusterPki {
  /** `ca.crt` / `ca.key`: signs the API server, kubelets and clients. */
  readonly ca: CertificateAuthority;
  /** `etcd/ca.crt` / `etcd/ca.key`: signs etcd servers, peers and etcd clients. */
  readonly etcdCa: CertificateAuthority;
  /** `front-proxy-ca.crt` / `front-proxy-ca.key`: the aggregation layer's client CA. */
  readonly frontProxyCa: CertificateAuthority;
  /** `sa.key` / `sa.pub`: signs and verifies service-account tokens. */
  readonly serviceAccount: KeyPairPem;
}

/** Options of {@link generateClusterPki} and {@link generateCertificateAuthority}. */
export interface GenerateCaOptions {
  /**
   * Key algorithm of the CAs and the service-account key.
   * @default "RSA-2048" (kubeadm's default `encryptionAlgorithm`)
   */
  readonly keyAlgorithm?: KeyAlgorithm;
  /**
   * Validity of the CA certificates in days.
   * @default 3650 (kubeadm `CACertificateValidityPeriod`, ten years)
   */
  readonly validityDays?: number;
  /**
   * The time the certificates are issued at.
   * @default the current time
   */
  readonly now?: Date;
}

/** kubeadm's CA validity: `CACertificateValidityPeriod = time.Hour * 24 * 365 * 10` (constants.go). */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
/** Certificates start this long before `now`, as KubeadmControlPlane's etcd client certificate does (`NotBefore: now.Add(-5 * time.Minute)`), so a lagging clock still accepts them. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const crypto = webcrypto;

/** A random positive 128-bit serial number in hex (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes.toString("hex");
}

function validity(now: Date | undefined, ms: number, what: string): { notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(ms) || ms <= 0) throw new KubeInputError(`${what}: expected a positive validity, got ${ms}`);
  const at = now ?? new Date();
  // Whole seconds: X.509 times carry no fractions, so a round trip through the certificate stays equal.
  const base = Math.floor(at.getTime() / 1000) * 1000;
  return { notBefore: new Date(base - CLOCK_SKEW_MS), notAfter: new Date(base + ms) };
}

/** RFC 4514 name with escaping of the characters that would change its structure. */
function distinguishedName(commonName: string, organizations: readonly string[] = []): string {
  const esc = (v: string): string => v.replace(/([,+"\\<>;=#])/g, "\\$1");
  return [...organizations.map((o) => `O=${esc(o)}`), `CN=${esc(commonName)}`].join(", ");
}

function toPem(cert: x509.X509Certificate): string {
  return `${cert.toString("pem").replace(/\r\n/g, "\n")}\n`;
}

/**
 * A self-signed CA as kubeadm makes one (client-go `util/cert` NewSelfSignedCACert): CN as given,
 * basicConstraints CA:true (critical), keyUsage digitalSignature + keyEncipherment + keyCertSign (critical),
 * a subject key identifier.
 */
export async function generateCertificateAuthority(commonName: string, opts: GenerateCaOptions = {}): Promise<CertificateAuthority> {
  if (commonName.trim() === "") throw new KubeInputError("commonName: expected a non-empty CA name");
  const days = opts.validityDays ?? DEFAULT_CA_VALIDITY_DAYS;
  const keys = await generateKeyPair(opts.keyAlgorithm ?? "RSA-2048");
  const kind = keys.privateKey.algorithm.name === "ECDSA" ? "ec" : "rsa";
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: distinguishedName(commonName),
      ...validity(opts.now, days * 24 * 3600_000, "validityDays"),
      signingAlgorithm: signatureParams(kind),
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const { keyPem } = await exportKeyPair(keys);
  return { certPem: toPem(cert), keyPem };
}

/**
 * The three CAs and the service-account key pair, all with fresh random keys. The CA names are kubeadm's
 * (`certs.KubeadmCertRootCA` "kubernetes", `KubeadmCertEtcdCA` "etcd-ca", `KubeadmCertFrontProxyCA`
 * "front-proxy-ca" in `cmd/kubeadm/app/phases/certs/certlist.go`).
 */
export async function generateClusterPki(opts: GenerateCaOptions = {}): Promise<ClusterPki> {
  const [ca, etcdCa, frontProxyCa, sa] = await Promise.all([
    generateCertificateAuthority("kubernetes", opts),
    generateCertificateAuthority("etcd-ca", opts),
    generateCertificateAuthority("front-proxy-ca", opts),
    generateKeyPair(opts.keyAlgorithm ?? "RSA-2048"),
  ]);
  return { ca, etcdCa, frontProxyCa, serviceAccount: await exportKeyPair(sa) };
}

/** One file of the PKI on a control-plane node. */
export interface PkiFile {
  readonly path: string;
  readonly content: string;
  /** Octal mode as cloud-init `write_files` takes it: keys 0600, certificates and sa.pub 0644 (kubeadm's modes). */
  readonly permissions: "0600" | "0644";
}

/** kubeadm's certificate directory (`KubernetesDir` + `DefaultCertificateDir`). */
export const PKI_DIR = "/etc/kubernetes/pki";

/** The PKI as the files kubeadm reads on a control-plane node, in a fixed order. */
export function pkiFiles(pki: ClusterPki): PkiFile[] {
  return [
    { path: `${PKI_DIR}/ca.crt`, content: pki.ca.certPem, permissions: "0644" },
    { path: `${PKI_DIR}/ca.key`, content: pki.ca.keyPem, permissions: "0600" },
    { path: `${PKI_DIR}/etcd/ca.crt`, content: pki.etcdCa.certPem, permissions: "0644" },
    { path: `${PKI_DIR}/etcd/ca.key`, content: pki.etcdCa.keyPem, permissions: "0600" },
    { path: `${PKI_DIR}/front-proxy-ca.crt`, content: pki.frontProxyCa.certPem, permissions: "0644" },
    { path: `${PKI_DIR}/front-proxy-ca.key`, content: pki.frontProxyCa.keyPem, permissions: "0600" },
    { path: `${PKI_DIR}/sa.key`, content: pki.serviceAccount.keyPem, permissions: "0600" },
    { path: `${PKI_DIR}/sa.pub`, content: pki.serviceAccount.publicKeyPem, permissions: "0644" },
  ];
}

/** What a certificate issued by a CA is for. */
export type CertificateUsage = "client" | "server" | "client-server";

/** Options of {@link issueCertificate}. */
export interface IssueOptions {
  readonly commonName: string;
  /**
   * Subject organizations (Kubernetes reads them as groups).
   * @default []
   */
  readonly organizations?: readonly string[];
  readonly usage: CertificateUsage;
  /**
   * DNS subject alternative names.
   * @default []
   */
  readonly dnsNames?: readonly string[];
  /**
   * IP subject alternative names.
   * @default []
   */
  readonly ipAddresses?: readonly string[];
  /** Validity in milliseconds from `now`. */
  readonly validityMs: number;
  /**
   * Issue time.
   * @default the current time
   */
  readonly now?: Date;
  /**
   * Key algorithm of the new key.
   * @default "ECDSA-P256" (short-lived leaf certificates; kubeadm accepts either)
   */
  readonly keyAlgorithm?: KeyAlgorithm;
}

/**
 * A leaf certificate signed by `ca` with a fresh key, shaped like kubeadm's (`pkiutil.NewSignedCert`):
 * keyUsage digitalSignature + keyEncipherment (critical), extKeyUsage clientAuth and/or serverAuth, the CA's
 * key identifier as authority key identifier. It never outlives the CA.
 */
export async function issueCertificate(ca: CertificateAuthority, opts: IssueOptions): Promise<IssuedCertificate> {
  if (opts.commonName.trim() === "") throw new KubeInputError("commonName: expected a non-empty subject common name");
  const caCert = parseCertificate(ca.certPem, "ca.crt");
  const caKind = keyKind(ca.keyPem, "ca.key");
  const signingKey = await importSigningKey(ca.keyPem, "ca.key");
  const keys = await generateKeyPair(opts.keyAlgorithm ?? "ECDSA-P256");
  const times = validity(opts.now, opts.validityMs, "validityMs");
  if (times.notAfter.getTime() > caCert.notAfter.getTime()) times.notAfter = caCert.notAfter;
  const eku =
    opts.usage === "client"
      ? [x509.ExtendedKeyUsage.clientAuth]
      : opts.usage === "server"
        ? [x509.ExtendedKeyUsage.serverAuth]
        : [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth];
  const sans = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: distinguishedName(opts.commonName, opts.organizations),
      issuer: caCert.subject,
      ...times,
      signingAlgorithm: signatureParams(caKind),
      publicKey: keys.publicKey,
      signingKey,
      extensions,
    },
    crypto,
  );
  const { keyPem } = await exportKeyPair(keys);
  return { certPem: toPem(cert), keyPem };
}

function parseCertificate(pem: string, what: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(pem);
  } catch {
    throw new KubeInputError(`${what}: expected a PEM X.509 certificate`);
  }
}

/** The version a group decision is made from: `1.29.0` or `v1.29.0`. */
function minorOf(kubernetesVersion: string): { major: number; minor: number } {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(kubernetesVersion.trim());
  if (!m) throw new KubeInputError(`kubernetesVersion: expected vMAJOR.MINOR.PATCH, got ${JSON.stringify(kubernetesVersion)}`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

/**
 * The group of the admin credential. From Kubernetes 1.29 kubeadm's `admin.conf` is in
 * `kubeadm:cluster-admins`, a group that `kubeadm init` binds to `cluster-admin` by a ClusterRoleBinding, and
 * only `super-admin.conf` is in `system:masters` (KEP-4214 "Separate super-user kubeconfig for kubeadm";
 * kubeadm constants `ClusterAdminsGroupAndClusterRoleBinding`, `SystemPrivilegedGroup`). Before 1.29
 * `admin.conf` was in `system:masters`.
 */
export function adminGroup(kubernetesVersion: string): "kubeadm:cluster-admins" | "system:masters" {
  const v = minorOf(kubernetesVersion);
  return v.major > 1 || v.minor >= 29 ? "kubeadm:cluster-admins" : "system:masters";
}

/** kubeadm's admin user name (`kubernetes-admin`, the CN of `admin.conf`'s client certificate). */
export const ADMIN_COMMON_NAME = "kubernetes-admin";

/**
 * A short-lived admin client certificate signed by the cluster CA: CN `kubernetes-admin`, O per
 * {@link adminGroup}, extKeyUsage clientAuth.
 */
export function issueAdminCertificate(
  ca: CertificateAuthority,
  opts: { kubernetesVersion: string; validityMs: number; now?: Date },
): Promise<IssuedCertificate> {
  return issueCertificate(ca, {
    commonName: ADMIN_COMMON_NAME,
    organizations: [adminGroup(opts.kubernetesVersion)],
    usage: "client",
    validityMs: opts.validityMs,
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/**
 * A short-lived etcd client certificate from the etcd CA, like the one KubeadmControlPlane mints for its own
 * etcd client (`kubernetes-sigs/cluster-api` `controlplane/kubeadm/internal/cluster.go` generateClientCert /
 * newClientCert — `workload_cluster.go` in older releases — which signs a clientAuth certificate with the
 * cluster's etcd CA to talk to each member). etcd with `--client-cert-auth`
 * only checks that the CA signed it.
 */
export function issueEtcdClientCertificate(
  etcdCa: CertificateAuthority,
  opts: { validityMs: number; now?: Date; commonName?: string },
): Promise<IssuedCertificate> {
  return issueCertificate(etcdCa, {
    commonName: opts.commonName ?? "nutanix-palette-cdk-handler",
    usage: "client",
    validityMs: opts.validityMs,
    ...(opts.now ? { now: opts.now } : {}),
  });
}

/**
 * kubeadm's CA pin: `"sha256:" + hex(SHA-256(SubjectPublicKeyInfo DER))` of the CA certificate
 * (kubeadm `cmd/kubeadm/app/util/pubkeypin/pubkeypin.go` Hash over `cert.RawSubjectPublicKeyInfo`), the
 * value of `discovery.bootstrapToken.caCertHashes` and of `kubeadm join --discovery-token-ca-cert-hash`.
 */
export function caCertHash(caPem: string): string {
  const cert = parseCertificate(caPem, "caPem");
  return `sha256:${createHash("sha256").update(Buffer.from(cert.publicKey.rawData)).digest("hex")}`;
}

/** True when `certPem` was signed by the CA in `caPem` and is within its validity at `now`. */
export function isIssuedBy(certPem: string, caPem: string, now: Date = new Date()): boolean {
  try {
    const cert = new NodeX509(certPem);
    const ca = new NodeX509(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    return new Date(cert.validFrom).getTime() <= now.getTime() && now.getTime() <= new Date(cert.validTo).getTime();
  } catch {
    return false;
  }
}
