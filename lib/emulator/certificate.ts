/** The self-signed certificate of the HTTPS emulator (its own CA), valid for localhost and the listen host. */

export async function selfSignedCertificate(host: string): Promise<{ key: string; cert: string }> {
  const { generate } = await import("selfsigned");
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: "localhost" },
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
  ];
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const notBefore = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: "commonName", value: "prism-emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
