import { randomUUID, X509Certificate } from "node:crypto";
import { request } from "node:https";
import { generate } from "selfsigned";

/** A self-signed serving certificate for 127.0.0.1 and localhost, made at test time. */
export async function servingCertificate(): Promise<{
  cert: string;
  key: string;
  fingerprint: string;
}> {
  // A distinct subject per certificate: a client trusting two self-signed ones finds the right one.
  const commonName = `vvp-operator-webhook-${randomUUID().slice(0, 8)}`;
  const result = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return {
    cert: result.cert,
    key: result.private,
    fingerprint: new X509Certificate(result.cert).fingerprint256,
  };
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
