// A throwaway certificate authority and a server certificate for 127.0.0.1,
// generated at start (EC P-256, fast), so clients verify TLS for real.

// selfsigned is an optional peer dependency of ./testing (it is no
// dependency of the library or the operator): loaded on first use.
type Generate = typeof import("selfsigned").generate;

let loaded: Promise<Generate> | undefined;

async function loadGenerate(): Promise<Generate> {
  loaded ??= import("selfsigned").then(
    (module) => module.generate,
    (error: unknown) => {
      loaded = undefined;
      const code = (error as { code?: unknown }).code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
        throw new Error(
          "vvp-deployment-sdk/testing needs selfsigned, an optional peer dependency, for its test certificates: npm install --save-dev selfsigned@^5.5.0",
        );
      }
      throw error;
    },
  );
  return loaded;
}

/** PEM material of the test CA and the server's certificate. */
export interface TestTls {
  /** The CA certificate clients trust (PEM). */
  caCert: string;
  /** The server certificate, signed by the CA (PEM). */
  cert: string;
  /** The server's private key (PEM). */
  key: string;
}

/** Options of {@link generateTestTls}. */
export interface TestTlsOptions {
  /**
   * The server certificate's common name; the CA's is this plus "-ca".
   * Distinct names let a client that trusts several test CAs find the right issuer.
   */
  commonName?: string;
}

/** Generates a CA and a server certificate for localhost and 127.0.0.1, valid for a day. */
export async function generateTestTls(options: TestTlsOptions = {}): Promise<TestTls> {
  const generate = await loadGenerate();
  const commonName = options.commonName ?? "fake-kubernetes";
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 24 * 3600_000);
  const ca = await generate([{ name: "commonName", value: `${commonName}-ca` }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      {
        name: "keyUsage",
        keyCertSign: true,
        cRLSign: true,
        digitalSignature: true,
        critical: true,
      },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { caCert: ca.cert, cert: leaf.cert, key: leaf.private };
}
