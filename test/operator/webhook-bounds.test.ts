// The webhook under abuse: bodies capped near the largest legal review, a
// bound on bodies and bytes in flight (429 at once beyond), a connection limit, a
// headers timeout that fires, a TLS handshake timeout, and TLS 1.2 only with
// ECDHE + AES-GCM/ChaCha20. Every wait is on a condition, never a sleep.
import { mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookServer, type WebhookServer } from "../../src/operator/webhook-server.js";
import { waitFor } from "./support.js";
import { httpsCall, type ServingCertificate, writeServingCertificate } from "./tls.js";

let directory: string;
let certificate: ServingCertificate;
let tight: WebhookServer;
let defaults: WebhookServer;
let few: WebhookServer;
let slow: WebhookServer;
/** Every socket a test opened, destroyed before the servers close. */
const opened: Array<TLSSocket | Socket> = [];

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const MIB = 1024 * 1024;
const until = (check: () => boolean, timeoutMs: number) =>
  waitFor(() => check() || undefined, "the condition", timeoutMs);

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "vvp-webhook-bounds-"));
  certificate = await writeServingCertificate(directory);
  const base = {
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: "my-operator",
    watchedNamespaces: ["default"],
    apiKeyValidation: false,
    logger: quiet,
  };
  tight = await startWebhookServer({ ...base, maxBodiesInFlight: 4, requestTimeoutMs: 60_000 });
  slow = await startWebhookServer({
    ...base,
    headersTimeoutMs: 300,
    connectionsCheckingIntervalMs: 50,
    handshakeTimeoutMs: 300,
  });
  defaults = await startWebhookServer(base);
  few = await startWebhookServer({ ...base, maxConnections: 2 });
});

afterAll(async () => {
  for (const socket of opened) socket.destroy();
  await Promise.all([tight?.close(), defaults?.close(), few?.close(), slow?.close()]);
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

/** A raw TLS connection whose bytes received and end are recorded. */
interface Raw {
  socket: TLSSocket | Socket;
  received: () => string;
  closed: () => boolean;
  secured: () => boolean;
  failed: () => Error | undefined;
}

function record(socket: TLSSocket | Socket, secured: () => boolean): Raw {
  opened.push(socket);
  const chunks: Buffer[] = [];
  let closed = false;
  let failure: Error | undefined;
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", (error) => {
    failure = error;
  });
  return {
    socket,
    received: () => Buffer.concat(chunks).toString("latin1"),
    closed: () => closed,
    secured,
    failed: () => failure,
  };
}

function tls(port: number, options: { ciphers?: string; maxVersion?: "TLSv1.2" } = {}): Raw {
  let secured = false;
  const socket = tlsConnect({
    host: "127.0.0.1",
    port,
    ca: [certificate.caCert],
    servername: "localhost",
    ...options,
  });
  socket.on("secureConnect", () => {
    secured = true;
  });
  return record(socket, () => secured);
}

function postHead(length: number): string {
  return `POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
}

/** A JSON body of exactly `length` bytes that is not an AdmissionReview (answered 400 once read). */
function paddedJson(length: number): Buffer {
  const body = Buffer.alloc(length, 0x78);
  body.write('{"p":"', 0, "latin1");
  body.write('"}', length - 2, "latin1");
  return body;
}

const statusOf = (raw: Raw) => /^HTTP\/1\.1 (\d{3})/.exec(raw.received())?.[1];

describe("bodies", () => {
  it("keeps 32 concurrent large reviews bounded: 4 are read, 28 get 429 at once, unread", async () => {
    const length = 3 * MIB;
    const body = paddedJson(length);
    const clients = Array.from({ length: 32 }, () => tls(tight.port));
    await until(() => clients.every((client) => client.secured()), 20_000);
    // Headers and the first 64 KiB of each body; the rest is held back.
    for (const client of clients) client.socket.write(`${postHead(length)}`);
    for (const client of clients) client.socket.write(body.subarray(0, 64 * 1024));
    await until(() => clients.filter((client) => statusOf(client) === "429").length === 28, 20_000);
    const held = clients.filter((client) => statusOf(client) === undefined);
    expect(held).toHaveLength(4);
    for (const client of clients.filter((c) => statusOf(c) === "429")) {
      expect(client.received()).toMatch(/retry-after: 1/i);
      expect(client.received()).toContain('"code":429');
    }
    // The held ones are read to the end and answered (400: not a review).
    for (const client of held) client.socket.end(body.subarray(64 * 1024));
    await until(() => held.every((client) => statusOf(client) === "400"), 30_000);
    // Released: the next review is read again.
    const after = await httpsCall({
      port: tight.port,
      path: "/validate",
      headers: { "content-type": "application/json" },
      body: "{}",
      ca: [certificate.caCert],
    });
    expect(after.status).toBe(400);
    for (const client of clients) client.socket.destroy();
  }, 90_000);

  it("bounds the bytes in flight by default: 32 concurrent 3 MiB reviews, 9 read (28 MiB), 23 get 429, small reviews still pass", async () => {
    const length = 3 * MIB;
    const body = paddedJson(length);
    const clients = Array.from({ length: 32 }, () => tls(defaults.port));
    await until(() => clients.every((client) => client.secured()), 20_000);
    for (const client of clients) client.socket.write(postHead(length));
    for (const client of clients) client.socket.write(body.subarray(0, 64 * 1024));
    await until(() => clients.filter((client) => statusOf(client) === "429").length === 23, 20_000);
    const held = clients.filter((client) => statusOf(client) === undefined);
    expect(held).toHaveLength(Math.floor((8 * 3.5) / 3));
    // A small review is not refused while the large ones are held.
    const small = await httpsCall({
      port: defaults.port,
      path: "/validate",
      headers: { "content-type": "application/json" },
      body: "{}",
      ca: [certificate.caCert],
    });
    expect(small.status).toBe(400);
    for (const client of held) client.socket.end(body.subarray(64 * 1024));
    await until(() => held.every((client) => statusOf(client) === "400"), 30_000);
    for (const client of clients) client.socket.destroy();
  }, 90_000);

  it("caps a body near the largest legal review (3.5 MiB): just below is read, just above is 413", async () => {
    const below = await httpsCall({
      port: defaults.port,
      path: "/validate",
      headers: { "content-type": "application/json" },
      body: paddedJson(Math.round(3.4 * MIB)).toString("latin1"),
      ca: [certificate.caCert],
    });
    expect(below.status).toBe(400);
    const client = tls(defaults.port);
    await until(() => client.secured(), 10_000);
    // Declared too large: refused before any byte of the body is read.
    client.socket.write(postHead(Math.round(3.6 * MIB)));
    await until(() => statusOf(client) !== undefined, 10_000);
    expect(statusOf(client)).toBe("413");
    await until(() => client.closed(), 10_000);
  }, 60_000);
});

describe("slow and idle clients", () => {
  it("cuts a client whose headers do not arrive within headersTimeout (408)", async () => {
    const client = tls(slow.port);
    await until(() => client.secured(), 10_000);
    client.socket.write("POST /validate HTTP/1.1\r\nHost: localhost\r\n");
    await until(() => client.closed(), 20_000);
    expect(statusOf(client)).toBe("408");
  }, 30_000);

  it("cuts a connection that never starts its TLS handshake", async () => {
    const socket = netConnect({ host: "127.0.0.1", port: slow.port });
    const raw = record(socket, () => false);
    await until(() => raw.closed(), 20_000);
    expect(raw.received()).toBe("");
  }, 30_000);

  it("holds at most maxConnections open connections; more are closed at once", async () => {
    const first = [tls(few.port), tls(few.port)];
    await until(() => first.every((client) => client.secured()), 10_000);
    const third = tls(few.port);
    await until(() => third.closed(), 10_000);
    expect(third.secured()).toBe(false);
    expect(first.some((client) => client.closed())).toBe(false);
    for (const client of first) client.socket.destroy();
  }, 30_000);
});

describe("TLS", () => {
  it("refuses a TLS 1.2 client offering only CBC suites", async () => {
    const client = tls(defaults.port, {
      maxVersion: "TLSv1.2",
      ciphers:
        "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA:AES128-SHA256",
    });
    await until(() => client.closed(), 10_000);
    expect(client.secured()).toBe(false);
    expect(String(client.failed()?.message)).toMatch(/handshake failure|no shared cipher|alert/i);
  });

  it("refuses a TLS 1.2 client offering ECDHE without an AEAD, and RSA key exchange with GCM", async () => {
    for (const ciphers of ["ECDHE-ECDSA-AES128-SHA256", "AES128-GCM-SHA256"]) {
      const client = tls(defaults.port, { maxVersion: "TLSv1.2", ciphers });
      await until(() => client.closed(), 10_000);
      expect(client.secured(), ciphers).toBe(false);
    }
  });

  it("accepts TLS 1.2 with ECDHE and AES-GCM or ChaCha20, and TLS 1.3", async () => {
    for (const ciphers of ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"]) {
      const client = tls(defaults.port, { maxVersion: "TLSv1.2", ciphers });
      await until(() => client.secured() || client.closed(), 10_000);
      expect(client.secured(), ciphers).toBe(true);
      expect((client.socket as TLSSocket).getCipher().standardName).toMatch(/ECDHE/);
      client.socket.destroy();
    }
    const modern = tls(defaults.port);
    await until(() => modern.secured() || modern.closed(), 10_000);
    expect((modern.socket as TLSSocket).getProtocol()).toBe("TLSv1.3");
    modern.socket.destroy();
  });
});
