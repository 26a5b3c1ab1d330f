/**
 * Key pairs for the cluster PKI, made with WebCrypto (node:crypto's `webcrypto`) and written as PEM the way
 * kubeadm writes its own keys: RSA as PKCS#1 ("RSA PRIVATE KEY"), ECDSA as SEC 1 ("EC PRIVATE KEY"), public
 * keys as PKIX ("PUBLIC KEY") — kubeadm `cmd/kubeadm/app/util/pkiutil/pki_helpers.go` (WriteKey,
 * WritePublicKey through client-go `util/keyutil`), which also reads PKCS#8.
 *
 * Algorithms are the ones kubeadm generates and accepts: `ClusterConfiguration.encryptionAlgorithm` in
 * kubeadm's v1beta4 API takes RSA-2048 (the default), RSA-3072, RSA-4096 and ECDSA-P256 (kubeadm-config
 * v1beta4 reference, "EncryptionAlgorithmType"); v1beta3 clusters use RSA-2048. RSA-2048 is the default here
 * so that every supported kubeadm version accepts the CA and the service-account key.
 */
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from "node:crypto";
import { KubeInputError } from "./errors";

/** A key algorithm kubeadm generates and accepts. */
export type KeyAlgorithm = "RSA-2048" | "ECDSA-P256";

/** A private key with its public half, both PEM. */
export interface KeyPairPem {
  /** PKCS#1 (RSA) or SEC 1 (ECDSA) PEM, as kubeadm writes it. */
  readonly keyPem: string;
  /** PKIX "PUBLIC KEY" PEM. */
  readonly publicKeyPem: string;
}

/** The WebCrypto algorithm that signs with a key of this kind (SHA-256 in both cases, as kubeadm). */
export function signingAlgorithm(kind: "rsa" | "ec"): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  return kind === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "ECDSA", namedCurve: "P-256" };
}

/** The signature parameters passed to the certificate generator. */
export function signatureParams(kind: "rsa" | "ec"): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return kind === "rsa" ? { name: "RSASSA-PKCS1-v1_5" } : { name: "ECDSA", hash: "SHA-256" };
}

/** Generates a fresh random key pair (never derived from any input). */
export async function generateKeyPair(algorithm: KeyAlgorithm): Promise<webcrypto.CryptoKeyPair> {
  if (algorithm === "RSA-2048") {
    return webcrypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
  }
  if (algorithm === "ECDSA-P256") {
    return webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  }
  throw new KubeInputError(`keyAlgorithm: expected "RSA-2048" or "ECDSA-P256", got ${JSON.stringify(algorithm)}`);
}

/** The PEM files of a WebCrypto key pair. */
export async function exportKeyPair(keys: webcrypto.CryptoKeyPair): Promise<KeyPairPem> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  return { keyPem: privateKeyPem(key), publicKeyPem: createPublicKey(key).export({ format: "pem", type: "spki" }).toString() };
}

function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === "rsa" ? "pkcs1" : "sec1";
  return key.export({ format: "pem", type }).toString();
}

/** The kind of a PEM private key; `what` names it in the error ("ca.key"). */
export function keyKind(keyPem: string, what: string): "rsa" | "ec" {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new KubeInputError(`${what}: expected a PEM private key (RSA or ECDSA P-256)`);
  }
  if (key.asymmetricKeyType === "rsa") return "rsa";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ec";
  throw new KubeInputError(`${what}: expected an RSA or ECDSA P-256 private key, got ${key.asymmetricKeyType ?? "unknown"}`);
}

/** Imports a PEM private key (PKCS#1, SEC 1 or PKCS#8) as a WebCrypto signing key. */
export async function importSigningKey(keyPem: string, what: string): Promise<webcrypto.CryptoKey> {
  const kind = keyKind(keyPem, what);
  const pkcs8 = createPrivateKey(keyPem).export({ format: "der", type: "pkcs8" });
  return webcrypto.subtle.importKey("pkcs8", pkcs8, signingAlgorithm(kind), false, ["sign"]);
}
