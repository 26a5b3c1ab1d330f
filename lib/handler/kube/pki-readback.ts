/**
 * Reading the cluster PKI back from Prism Central: the handler keeps no state of its own, so the CAs and
 * service-account keys it generated at a cluster's first apply are found on later runs in the cloud-init
 * user data of the cluster's control-plane VMs (`write_files` at kubeadm's paths, see lib/kube/pki.ts).
 * Pure: text in, PKI (or why not) out.
 */
import { parse } from "yaml";
import { PKI_DIR, type ClusterPki } from "../../kube/pki";

/** The PKI in one VM's user data, or undefined when the VM carries none (or only part of it). */
export function pkiFromUserData(userData: string): ClusterPki | undefined {
  let doc: unknown;
  try {
    doc = parse(userData, { version: "1.1" });
  } catch {
    return undefined;
  }
  const list = doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as { write_files?: unknown }).write_files : undefined;
  if (!Array.isArray(list)) return undefined;
  const files = new Map<string, string>();
  for (const f of list as Array<{ path?: unknown; content?: unknown; encoding?: unknown }>) {
    if (typeof f.path !== "string" || typeof f.content !== "string" || !f.path.startsWith(`${PKI_DIR}/`)) continue;
    const enc = typeof f.encoding === "string" ? f.encoding.toLowerCase() : "";
    files.set(f.path.slice(PKI_DIR.length + 1), enc === "b64" || enc === "base64" ? Buffer.from(f.content, "base64").toString("utf8") : f.content);
  }
  const get = (name: string): string | undefined => files.get(name);
  const [caCrt, caKey, etcdCrt, etcdKey, fpCrt, fpKey, saKey, saPub] = ["ca.crt", "ca.key", "etcd/ca.crt", "etcd/ca.key", "front-proxy-ca.crt", "front-proxy-ca.key", "sa.key", "sa.pub"].map(get);
  if (!caCrt || !caKey || !etcdCrt || !etcdKey || !fpCrt || !fpKey || !saKey || !saPub) return undefined;
  return {
    ca: { certPem: caCrt, keyPem: caKey },
    etcdCa: { certPem: etcdCrt, keyPem: etcdKey },
    frontProxyCa: { certPem: fpCrt, keyPem: fpKey },
    serviceAccount: { keyPem: saKey, publicKeyPem: saPub },
  };
}

/** What the control-plane VMs of a cluster say about its PKI. */
export type PkiReadback =
  | { readonly kind: "found"; readonly pki: ClusterPki; readonly from: readonly string[] }
  | { readonly kind: "none"; readonly without: readonly string[] }
  | { readonly kind: "conflict"; readonly message: string };

/** Two PKIs are the same when every certificate and key is (whitespace at the ends aside). */
function samePki(a: ClusterPki, b: ClusterPki): boolean {
  const parts = (p: ClusterPki): string[] => [p.ca.certPem, p.ca.keyPem, p.etcdCa.certPem, p.etcdCa.keyPem, p.frontProxyCa.certPem, p.frontProxyCa.keyPem, p.serviceAccount.keyPem, p.serviceAccount.publicKeyPem].map((x) => x.trim());
  const x = parts(a);
  const y = parts(b);
  return x.every((v, i) => v === y[i]);
}

/**
 * Decides the cluster's PKI from its control-plane VMs' user data (name → decoded text). All VMs that carry
 * one must carry the same one; VMs that carry none are listed (VMs built before the handler owned the PKI).
 * Two different PKIs mean two clusters behind one name: refused, never guessed.
 */
export function decidePkiReadback(cluster: string, vms: ReadonlyArray<{ name: string; userData: string | undefined }>): PkiReadback {
  let found: { pki: ClusterPki; from: string[] } | undefined;
  const without: string[] = [];
  const differ: string[] = [];
  for (const vm of [...vms].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }))) {
    const pki = vm.userData ? pkiFromUserData(vm.userData) : undefined;
    if (!pki) {
      without.push(vm.name);
      continue;
    }
    if (!found) found = { pki, from: [vm.name] };
    else if (samePki(found.pki, pki)) found.from.push(vm.name);
    else differ.push(vm.name);
  }
  if (found && differ.length > 0) {
    return {
      kind: "conflict",
      message: `cluster ${cluster}: control-plane VMs carry different PKIs in /etc/kubernetes/pki (${found.from.join(", ")} vs ${differ.join(", ")}); refusing to pick one: remove the VMs of the cluster that is not wanted`,
    };
  }
  return found ? { kind: "found", pki: found.pki, from: found.from } : { kind: "none", without };
}
