import { randomUUID, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { generateTestTls, type TestTls } from "../../src/testing/index.js";

/** A serving certificate for 127.0.0.1 and localhost, its own CA, and the certificate's fingerprint. */
export interface ServingCertificate extends TestTls {
  fingerprint: string;
}

/** A serving certificate signed by a fresh CA, made at test time. */
export async function servingCertificate(): Promise<ServingCertificate> {
  // A distinct subject per CA: a client trusting two test CAs finds the right issuer.
  const tls = await generateTestTls({
    commonName: `vvp-operator-webhook-${randomUUID().slice(0, 8)}`,
  });
  return { ...tls, fingerprint: new X509Certificate(tls.cert).fingerprint256 };
}

/** Makes a serving certificate and writes it as `tls.crt` and `tls.key` into the directory, as cert-manager would. */
export async function writeServingCertificate(directory: string): Promise<ServingCertificate> {
  const certificate = await servingCertificate();
  writeFileSync(join(directory, "tls.crt"), certificate.cert);
  writeFileSync(join(directory, "tls.key"), certificate.key);
  return certificate;
}

/** One HTTPS call's answer, and the certificate the server presented. */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  fingerprint: string;
}

/** Sends one HTTPS request to 127.0.0.1, trusting only the given certificates. */
export function httpsCall(options: {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca: string[];
}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path,
        method: options.method ?? "POST",
        headers: options.headers,
        ca: options.ca,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const socket = response.socket as import("node:tls").TLSSocket;
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            fingerprint: socket.getPeerX509Certificate?.()?.fingerprint256 ?? "",
          });
        });
        response.on("error", reject);
      },
    );
    call.on("error", reject);
    call.end(options.body);
  });
}
