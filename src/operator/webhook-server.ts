import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { API_GROUP, API_KEY_SECRET_ANNOTATION, formatFieldPath, KIND } from "../models/index.js";
import {
  ADMISSION_API_VERSION,
  type AdmissionResponse,
  type AdmissionReviewResponse,
  reviewAdmission,
} from "../validation/index.js";
import { listen } from "./listen.js";
import {
  type CertificatePair,
  type CertificateWatcher,
  readCertificatePair,
  type TlsFiles,
  watchCertificatePair,
} from "./tls-files.js";

/**
 * What a lookup of the CR's API token Secret found; never its value. A
 * `kubernetes.io/service-account-token` Secret is refused: its token is a
 * Kubernetes credential, not a VVP API token.
 */
export type ApiKeySecretState = "found" | "not-found" | "no-token-key" | "service-account-token";

/** Looks up the Secret named by a CR's apikeySecretName annotation in the CR's namespace. */
export type ApiKeySecretLookup = (
  namespace: string,
  name: string,
) => ApiKeySecretState | Promise<ApiKeySecretState>;

/** The requesting user of an AdmissionReview (`request.userInfo`), as a SubjectAccessReview takes it. */
export interface AdmissionUserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** A verdict of the API server's authorizer. */
export interface AccessVerdict {
  allowed: boolean;
  reason?: string;
}

/**
 * Asks the API server whether a user may `get` a Secret of a namespace (a
 * LocalSubjectAccessReview, so the operator needs no ClusterRole).
 */
export type SecretAccessReview = (request: {
  namespace: string;
  name: string;
  user: AdmissionUserInfo;
}) => AccessVerdict | Promise<AccessVerdict>;

/** The logger calls the webhook makes (pino-compatible). */
export interface WebhookLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  debug(object: object, message: string): void;
}

/** How the webhook is served and what it enforces. */
export interface WebhookServerOptions extends TlsFiles {
  host: string;
  port: number;
  instanceId: string;
  watchedNamespaces: readonly string[];
  /** The Helm value webhook.apiKeyValidation.enabled. */
  apiKeyValidation: boolean;
  /** Consulted when apiKeyValidation is on; absent: the annotation alone is checked. */
  apiKeySecretLookup?: ApiKeySecretLookup;
  /**
   * Whether the requesting user may `get` the Secret the CR names, on CREATE
   * and whenever the annotation changes (with or without apiKeyValidation):
   * nobody may have the operator call VVP with a Secret they cannot read.
   * Absent: not checked (tests of other rules only; the operator always sets it).
   */
  secretAccessReview?: SecretAccessReview;
  logger: WebhookLogger;
  /**
   * Largest accepted body; default 3.5 MiB: the largest legal review is two
   * objects at etcd's 1.5 MiB limit (object and oldObject) and the request's
   * own fields. Larger: 413 without reading further.
   */
  maxBodyBytes?: number;
  /** Reviews read or answered at once (default 64, ours); beyond, 429 at once without reading the body. */
  maxBodiesInFlight?: number;
  /**
   * Bytes of the bodies read or answered at once, by their Content-Length
   * (maxBodyBytes for a body without one); default 8 × maxBodyBytes (ours:
   * eight of the largest reviews, parsed, stay well inside a 512Mi limit,
   * measured). A review that would pass it gets 429 at once, unread; small
   * reviews hardly count, so an ordinary burst is not refused.
   */
  maxBodyBytesInFlight?: number;
  /** Open connections (default 256, ours); beyond, new ones are closed at once. */
  maxConnections?: number;
  /** Whole request time; default 10 s (the API server's default webhook timeout). */
  requestTimeoutMs?: number;
  /** Time to receive a request's headers (default 5 000 ms); a slower client is cut (408). */
  headersTimeoutMs?: number;
  /** How often the header and request timeouts are checked (default 1 000 ms; Node's own is 30 s). */
  connectionsCheckingIntervalMs?: number;
  /** Time for the TLS handshake (default 5 000 ms; Node's own is 120 s). */
  handshakeTimeoutMs?: number;
  /** Time allowed for the access review and the Secret lookup together; default 5 s (the API server waits 10 s). */
  secretLookupTimeoutMs?: number;
  /** Certificate polling period besides file events; default 10 s. */
  certificatePollIntervalMs?: number;
}

/** A serving webhook. */
export interface WebhookServer {
  server: Server;
  port: number;
  /** True once the first certificate was loaded and the server listens. */
  serving(): boolean;
  close(): Promise<void>;
}

/** The path the ValidatingWebhookConfiguration points at. */
export const WEBHOOK_PATH = "/validate";

const DEFAULT_MAX_BODY_BYTES = Math.round(3.5 * 1024 * 1024);

/**
 * TLS 1.2 suites: forward secrecy (ECDHE) with an AEAD (AES-GCM or
 * ChaCha20-Poly1305) only, as Kubernetes' recommended list; TLS 1.3's suites
 * all qualify.
 */
export const WEBHOOK_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

const TLS_SETTINGS = {
  minVersion: "TLSv1.2",
  ciphers: WEBHOOK_CIPHERS,
  honorCipherOrder: true,
} as const;

/**
 * Starts the validating admission webhook over HTTPS. The certificate is read
 * from files and reloaded when they change (cert-manager rotates them), with
 * no restart and no dropped connection.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const pair = await readCertificatePair(options);
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 5_000, requestTimeoutMs);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxBodiesInFlight = Math.max(1, options.maxBodiesInFlight ?? 64);
  const maxBytesInFlight = Math.max(1, options.maxBodyBytesInFlight ?? 8 * maxBodyBytes);
  let bodiesInFlight = 0;
  let bytesInFlight = 0;
  const server = createServer(
    {
      cert: pair.cert,
      key: pair.key,
      ...TLS_SETTINGS,
      handshakeTimeout: options.handshakeTimeoutMs ?? 5_000,
      // Node checks headersTimeout and requestTimeout only this often (30 s by default).
      connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? 1_000,
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
    },
    (request, response) => {
      // Each body in flight holds up to maxBodyBytes (and its parsed form):
      // beyond the bound, 429 at once, the body unread and the connection closed.
      const declared = Number(request.headers["content-length"]);
      // A declared size over the cap is refused (413) without reading: it reserves nothing.
      const reserve = Number.isFinite(declared)
        ? declared > maxBodyBytes
          ? 0
          : declared
        : maxBodyBytes;
      if (
        bodiesInFlight >= maxBodiesInFlight ||
        (bodiesInFlight > 0 && bytesInFlight + reserve > maxBytesInFlight)
      ) {
        response.setHeader("retry-after", "1");
        response.setHeader("connection", "close");
        respond(
          response,
          429,
          refusal("", 429, "TooManyRequests", "too many admission reviews at once; try again"),
        );
        return;
      }
      bodiesInFlight++;
      bytesInFlight += reserve;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        bodiesInFlight--;
        bytesInFlight -= reserve;
      };
      // Emitted once the answer is sent or the connection is gone, whichever comes first.
      response.once("close", release);
      handle(options, request, response).catch((error: unknown) => {
        options.logger.warn({ err: errorText(error) }, "admission request failed");
        if (!response.headersSent)
          respond(response, 500, refusal("", 500, "InternalError", "the webhook failed"));
        else response.end();
      });
    },
  );
  server.maxConnections = options.maxConnections ?? 256;
  // A handshake that fails or times out ends its socket; nothing else to do.
  server.on("tlsClientError", () => undefined);
  const watcher: CertificateWatcher = watchCertificatePair({
    ...options,
    current: pair,
    pollIntervalMs: options.certificatePollIntervalMs,
    onChange(next: CertificatePair) {
      server.setSecureContext({ cert: next.cert, key: next.key, ...TLS_SETTINGS });
      options.logger.info({ certFile: options.certFile }, "webhook certificate reloaded");
    },
    onError(error) {
      options.logger.warn(
        { certFile: options.certFile, err: errorText(error) },
        "webhook certificate not reloaded; serving the previous one",
      );
    },
  });
  const listening = await listen(server, options.host, options.port).catch((error: unknown) => {
    watcher.close();
    throw error;
  });
  let open = true;
  return {
    server,
    port: listening.port,
    serving: () => open && server.listening,
    async close() {
      open = false;
      watcher.close();
      await listening.close();
    },
  };
}

async function handle(
  options: WebhookServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const pathname = (request.url ?? "/").split("?")[0] ?? "/";
  if (pathname !== WEBHOOK_PATH) {
    respond(response, 404, refusal("", 404, "NotFound", `no webhook at ${pathname}`));
    return;
  }
  if (request.method !== "POST") {
    response.setHeader("allow", "POST");
    respond(
      response,
      405,
      refusal("", 405, "MethodNotAllowed", `method ${request.method} is not allowed; use POST`),
    );
    return;
  }
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (contentType !== "application/json") {
    respond(
      response,
      415,
      refusal(
        "",
        415,
        "UnsupportedMediaType",
        `content type ${JSON.stringify(contentType ?? "")} is not supported; send application/json`,
      ),
    );
    return;
  }
  const body = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  if (body === "too-large") {
    // The rest is not read: the connection closes after the answer.
    response.setHeader("connection", "close");
    respond(
      response,
      413,
      refusal("", 413, "RequestEntityTooLarge", "the AdmissionReview is too large"),
    );
    return;
  }
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch {
    respond(response, 400, refusal("", 400, "BadRequest", "the body is not JSON"));
    return;
  }
  const answer = await admit(options, review);
  const code = answer.response.allowed ? 200 : (answer.response.status?.code ?? 200);
  // A malformed review is the caller's error (400); a verdict, allowed or not, is a 200.
  respond(response, code === 400 ? 400 : 200, answer);
  options.logger.debug(
    {
      uid: answer.response.uid,
      namespace: namespaceOf(review),
      name: nameOf(review),
      allowed: answer.response.allowed,
      code: answer.response.status?.code,
    },
    "admission reviewed",
  );
}

/** The rules of the validation package, then the Secret's existence when API-key validation is on. */
async function admit(
  options: WebhookServerOptions,
  review: unknown,
): Promise<AdmissionReviewResponse> {
  const answer = reviewAdmission(review, {
    instanceId: options.instanceId,
    watchedNamespaces: options.watchedNamespaces,
    apiKeyValidation: options.apiKeyValidation,
  });
  if (!answer.response.allowed) return answer;
  const secret = secretToCheck(review);
  if (secret === undefined) return answer;
  // One deadline for both checks, well inside the API server's 10 s.
  const deadline = Date.now() + (options.secretLookupTimeoutMs ?? 5_000);
  const remaining = () => Math.max(0, deadline - Date.now());
  if (options.secretAccessReview !== undefined) {
    // First: whether the Secret exists is not told to someone who may not read it.
    const user = userInfoOf(review);
    if (user === undefined) {
      return { ...answer, response: accessRefused(answer.response, review, secret, undefined) };
    }
    let verdict: AccessVerdict | "timeout";
    try {
      verdict = await withTimeout(
        options.secretAccessReview({ namespace: secret.namespace, name: secret.name, user }),
        remaining(),
      );
    } catch (error) {
      options.logger.warn(
        { namespace: secret.namespace, secret: secret.name, err: errorText(error) },
        "access review of the API token Secret failed",
      );
      return { ...answer, response: secretLookupFailed(answer.response.uid, secret.name) };
    }
    if (verdict === "timeout")
      return { ...answer, response: secretLookupFailed(answer.response.uid, secret.name) };
    if (!verdict.allowed) {
      options.logger.info(
        { namespace: secret.namespace, secret: secret.name, user: user.username },
        "refused: the user may not get the API token Secret",
      );
      return { ...answer, response: accessRefused(answer.response, review, secret, user) };
    }
  }
  if (!options.apiKeyValidation || options.apiKeySecretLookup === undefined) return answer;
  let state: ApiKeySecretState | "timeout";
  try {
    state = await withTimeout(
      options.apiKeySecretLookup(secret.namespace, secret.name),
      remaining(),
    );
  } catch (error) {
    options.logger.warn(
      { namespace: secret.namespace, secret: secret.name, err: errorText(error) },
      "API token Secret lookup failed",
    );
    return { ...answer, response: secretLookupFailed(answer.response.uid, secret.name) };
  }
  if (state === "timeout")
    return { ...answer, response: secretLookupFailed(answer.response.uid, secret.name) };
  if (state === "found") return answer;
  return { ...answer, response: secretInvalid(answer.response, review, secret, state) };
}

/**
 * The Secret to check, or undefined: on CREATE, and on UPDATE only when the
 * annotation changed (ours): a Secret removed later is the controller's to
 * report on the CR, and must not block the operator's own finalizer writes.
 */
function secretToCheck(review: unknown): { namespace: string; name: string } | undefined {
  const request = field(review, "request");
  const operation = field(request, "operation");
  if (operation !== "CREATE" && operation !== "UPDATE") return undefined;
  const subResource = field(request, "subResource");
  if (typeof subResource === "string" && subResource !== "") return undefined;
  const object = field(request, "object");
  const name = field(field(field(object, "metadata"), "annotations"), API_KEY_SECRET_ANNOTATION);
  if (typeof name !== "string" || name === "") return undefined;
  if (operation === "UPDATE") {
    const before = field(
      field(field(field(request, "oldObject"), "metadata"), "annotations"),
      API_KEY_SECRET_ANNOTATION,
    );
    if (before === name) return undefined;
  }
  const namespace = field(field(object, "metadata"), "namespace") ?? field(request, "namespace");
  if (typeof namespace !== "string" || namespace === "") return undefined;
  return { namespace, name };
}

/** The AdmissionReview's userInfo, or undefined when it names nobody. */
function userInfoOf(review: unknown): AdmissionUserInfo | undefined {
  const info = field(field(review, "request"), "userInfo");
  const username = field(info, "username");
  const uid = field(info, "uid");
  const groups = field(info, "groups");
  const extra = field(info, "extra");
  const strings = (value: unknown): value is string[] =>
    Array.isArray(value) && value.every((entry) => typeof entry === "string");
  const user: AdmissionUserInfo = {
    username: typeof username === "string" ? username : "",
    ...(typeof uid === "string" && uid !== "" ? { uid } : {}),
    ...(strings(groups) && groups.length > 0 ? { groups } : {}),
  };
  if (extra !== null && typeof extra === "object" && !Array.isArray(extra)) {
    const entries = Object.entries(extra).filter((entry): entry is [string, string[]] =>
      strings(entry[1]),
    );
    if (entries.length > 0) user.extra = Object.fromEntries(entries);
  }
  return user.username === "" && user.groups === undefined ? undefined : user;
}

/** 403: the author may not read the Secret the CR names (or the review names no user). */
function accessRefused(
  allowed: AdmissionResponse,
  review: unknown,
  secret: { namespace: string; name: string },
  user: AdmissionUserInfo | undefined,
): AdmissionResponse {
  const fieldPath = formatFieldPath(["metadata", "annotations", API_KEY_SECRET_ANNOTATION]);
  const who =
    user === undefined
      ? "the AdmissionReview names no user, so"
      : `user ${JSON.stringify(user.username)}`;
  const message = `Forbidden: ${who} may not get Secret ${JSON.stringify(secret.name)} in namespace ${JSON.stringify(secret.namespace)}; a CR may name only a Secret its author may read`;
  return refusedAt(allowed, review, 403, "Forbidden", "FieldValueForbidden", fieldPath, message);
}

function secretInvalid(
  allowed: AdmissionResponse,
  review: unknown,
  secret: { namespace: string; name: string },
  state: "not-found" | "no-token-key" | "service-account-token",
): AdmissionResponse {
  // The validation package's own spelling of the path, so every cause reads alike.
  const fieldPath = formatFieldPath(["metadata", "annotations", API_KEY_SECRET_ANNOTATION]);
  const message =
    state === "not-found"
      ? `Not found: Secret ${JSON.stringify(secret.name)} in namespace ${JSON.stringify(secret.namespace)}`
      : state === "service-account-token"
        ? `Invalid value: Secret ${JSON.stringify(secret.name)} is a kubernetes.io/service-account-token Secret, not a VVP API token`
        : `Invalid value: Secret ${JSON.stringify(secret.name)} has no key "token" holding the VVP API token`;
  return refusedAt(allowed, review, 422, "Invalid", "FieldValueInvalid", fieldPath, message);
}

function refusedAt(
  allowed: AdmissionResponse,
  review: unknown,
  code: 403 | 422,
  reason: "Forbidden" | "Invalid",
  causeType: "FieldValueForbidden" | "FieldValueInvalid",
  fieldPath: string,
  message: string,
): AdmissionResponse {
  const name = String(nameOf(review) ?? "");
  return {
    uid: allowed.uid,
    allowed: false,
    status: {
      status: "Failure",
      code,
      reason,
      message:
        code === 403
          ? `${KIND}.${API_GROUP} ${JSON.stringify(name)} is forbidden: ${fieldPath}: ${message}`
          : `${KIND}.${API_GROUP} ${JSON.stringify(name)} is invalid: ${fieldPath}: ${message}`,
      details: {
        name,
        group: API_GROUP,
        kind: KIND,
        causes: [
          {
            // The package's reasons have no NotFound; the message says it (ours).
            type: causeType,
            field: fieldPath,
            message,
          },
        ],
      },
    },
    ...(allowed.warnings === undefined ? {} : { warnings: allowed.warnings }),
  };
}

/** Fail closed: with API-key validation on, an unverifiable Secret refuses the write (retryable 500). */
function secretLookupFailed(uid: string, secretName: string): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: {
      status: "Failure",
      code: 500,
      reason: "InternalError",
      message: `could not verify the API token Secret ${JSON.stringify(secretName)}; try again`,
    },
  };
}

/** An AdmissionReview refusal for HTTP-level problems; its status carries the HTTP code. */
interface HttpRefusal {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: "AdmissionReview";
  response: {
    uid: string;
    allowed: false;
    status: { status: "Failure"; code: number; reason: string; message: string };
  };
}

function refusal(uid: string, code: number, reason: string, message: string): HttpRefusal {
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: "AdmissionReview",
    response: { uid, allowed: false, status: { status: "Failure", code, reason, message } },
  };
}

function respond(response: ServerResponse, code: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage, limit: number): Promise<string | "too-large"> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    request.on("error", reject);
  });
}

function withTimeout<T>(promise: T | Promise<T>, ms: number): T | Promise<T | "timeout"> {
  // An answer from a cache needs no timer.
  if (!(promise instanceof Promise)) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function namespaceOf(review: unknown): unknown {
  return field(field(review, "request"), "namespace");
}

function nameOf(review: unknown): unknown {
  const request = field(review, "request");
  return field(field(field(request, "object"), "metadata"), "name") ?? field(request, "name");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
