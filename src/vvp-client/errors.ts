/**
 * What went wrong: VVP answered with an error status (`http`), the call took
 * longer than the timeout (`timeout`), no answer arrived at all (`network`),
 * or the token provider failed, so nothing was sent (`token`).
 */
export type VvpApiErrorKind = "http" | "timeout" | "network" | "token";

/** The fields of a VvpApiError, also its JSON form. */
export interface VvpApiErrorFields {
  kind: VvpApiErrorKind;
  /** The HTTP status; undefined when no answer arrived. */
  status: number | undefined;
  method: string;
  /** The request path with its query, e.g. `/api/v1/namespaces/default/deployments`. */
  path: string;
  /** VVP's own `message` from the error body, when it sent one. */
  vvpMessage?: string;
  /** How long VVP asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
}

// A brand in the global symbol registry: a host that loads the package both as
// ESM and as CJS has two copies of this class, and `instanceof` must still hold.
const VVP_API_ERROR = Symbol.for("vvp-deployment-sdk.VvpApiError");

/**
 * A failed VVP call. It never carries the API token: messages are built from
 * the method, path, status and VVP's message (with the token scrubbed out),
 * and `cause` is a fresh error holding only a scrubbed description.
 */
export class VvpApiError extends Error implements VvpApiErrorFields {
  /** True for a VvpApiError of any copy of this package (ESM or CJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && VVP_API_ERROR in value;
  }

  override readonly name = "VvpApiError";
  readonly kind: VvpApiErrorKind;
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly vvpMessage?: string;
  readonly retryAfterMs?: number;

  constructor(fields: VvpApiErrorFields & { message: string; cause?: Error }) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    Object.defineProperty(this, VVP_API_ERROR, { value: true });
    this.kind = fields.kind;
    this.status = fields.status;
    this.method = fields.method;
    this.path = fields.path;
    if (fields.vvpMessage !== undefined) this.vvpMessage = fields.vvpMessage;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
  }

  /** The loggable form: the fields and the message, nothing else. */
  toJSON(): VvpApiErrorFields & { name: string; message: string } {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      status: this.status,
      method: this.method,
      path: this.path,
      ...(this.vvpMessage === undefined ? {} : { vvpMessage: this.vvpMessage }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}

/** True for a VvpApiError. */
export function isVvpApiError(error: unknown): error is VvpApiError {
  return error instanceof VvpApiError;
}

/**
 * True when trying again later may succeed: 5xx, 429, a timeout, no answer, or
 * a token that could not be read. In all of these VVP either never saw the call
 * or failed it, so a nonce or a projection retried later loses nothing.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof VvpApiError)) return false;
  switch (error.kind) {
    case "timeout":
    case "network":
    case "token":
      return true;
    case "http":
      return error.status === 429 || (error.status !== undefined && error.status >= 500);
  }
}

/** True for a VvpApiError with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof VvpApiError && error.status === status;
}

/** What a redacted token reads as. */
export const REDACTED = "[redacted]";

// Ours: the characters a token is glued to when it is part of a longer word.
// A token of at least MIN_GLUED_LENGTH characters is redacted wherever it
// appears, glued to a word or not (`xTOKEN`, `TOKENs`), in any letter case
// and base64-encoded (as in a Basic header or a dumped Secret): such a string
// inside a longer word is the token leaking, not a coincidence. A shorter one
// (only tests use such tokens) is redacted where it stands alone, so `t`
// leaves "spec.template" readable.
const WORD_CHARACTER = /[A-Za-z0-9_-]/;

/** Tokens at least this long are redacted everywhere, not only as whole words. */
export const MIN_GLUED_LENGTH = 8;

/**
 * Replaces every occurrence of the secret in a text, so it cannot leak
 * through a server echoing it back: as sent, JSON-escaped, URL-encoded and
 * base64-encoded, in any letter case (see MIN_GLUED_LENGTH for short ones).
 */
export function redact(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === "") return text;
  let result = text;
  const encoded = encodeURIComponent(secret);
  // Percent-encoding may use either case of hex digit (RFC 3986 §2.1); the
  // match ignores case anyway.
  const long = secret.length >= MIN_GLUED_LENGTH;
  const forms = new Set([
    secret,
    jsonEscaped(secret),
    encoded,
    ...(long ? base64Forms(secret) : []),
  ]);
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    result = redactForm(result, form, long);
  }
  return result;
}

/**
 * The parts of the secret's base64 encodings that do not depend on what
 * precedes or follows it (three alignments, standard and URL-safe), so it is
 * found inside a longer encoded text (`user:token` in a Basic header).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const stable = encoded.slice(start, end);
    if (stable.length < MIN_GLUED_LENGTH) continue;
    forms.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

function jsonEscaped(secret: string): string {
  return JSON.stringify(secret).slice(1, -1);
}

function redactForm(text: string, form: string, anywhere: boolean): string {
  // Case-insensitive without the `u` flag: one UTF-16 unit for one, so the
  // indices of the match are those of the text.
  const pattern = new RegExp(form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
  let result = "";
  let copiedUpTo = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at < copiedUpTo) continue;
    if (anywhere || isWhole(text, at, form)) {
      result += text.slice(copiedUpTo, at) + REDACTED;
      copiedUpTo = at + form.length;
    }
  }
  return result + text.slice(copiedUpTo);
}

/** Whether the occurrence at `at` is not glued to word characters on a side where the token has one. */
function isWhole(text: string, at: number, form: string): boolean {
  const glued = (inner: string | undefined, outer: string | undefined) =>
    inner !== undefined &&
    outer !== undefined &&
    WORD_CHARACTER.test(inner) &&
    WORD_CHARACTER.test(outer);
  return (
    !(glued(form[0], text[at - 1]) && !ESCAPE_BEFORE.test(text.slice(Math.max(0, at - 6), at))) &&
    !glued(form[form.length - 1], text[at + form.length])
  );
}

// An escape ends in a word character but separates like the character it
// stands for: `Bearer%20<token>` (URL-encoded), `\n<token>`, `\u0020<token>`
// (escaped text in a body that is not JSON).
const ESCAPE_BEFORE = /(?:%[0-9A-Fa-f]{2}|\\[bfnrt]|\\u[0-9A-Fa-f]{4})$/;

/**
 * Redacts an error body. A JSON body is redacted after decoding, then encoded
 * again: VVP may echo the token inside a JSON string with escapes (`\/`, `\"`,
 * `\u…`) that a plain text search of the raw bytes would miss.
 */
export function redactBody(text: string, secret: string | undefined): string {
  if (secret === undefined || secret === "") return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redact(text, secret);
  }
  const clean = (value: unknown): unknown => {
    if (typeof value === "string") return redact(value, secret);
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [redact(key, secret), clean(entry)]),
      );
    }
    return value;
  };
  return JSON.stringify(clean(parsed));
}
