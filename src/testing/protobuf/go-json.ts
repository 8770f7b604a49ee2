// A decoded Kubernetes protobuf message as the JSON kube-apiserver would
// store for it. Field names need no mapping (go-to-protobuf names each field
// after its JSON name); what the descriptors cannot say is how the Go types
// marshal, so those few rules live here: the apimachinery types with their own
// JSON form, slice types wrapped in an `items` message, embedded structs that
// JSON inlines, and omitempty's treatment of empty strings, maps and lists.

import type { DescField, DescMessage } from "@bufbuild/protobuf";

type Protobuf = typeof import("@bufbuild/protobuf");
type Fields = Record<string, unknown>;

const META = "k8s.io.apimachinery.pkg.apis.meta.v1";

// Go types whose MarshalJSON replaces the struct (apimachinery's own).
const CUSTOM_JSON: Record<string, (message: Fields) => unknown> = {
  [`${META}.Time`]: (time) => timestamp(time, 0),
  [`${META}.MicroTime`]: (time) => timestamp(time, 6),
  [`${META}.Duration`]: (duration) => goDuration(BigInt(duration.duration as bigint)),
  [`${META}.FieldsV1`]: (fields) => rawJson(fields.Raw),
  "k8s.io.apimachinery.pkg.api.resource.Quantity": (quantity) => quantity.string,
  "k8s.io.apimachinery.pkg.util.intstr.IntOrString": (value) =>
    Number(value.type) === 1 ? value.strVal : Number(value.intVal),
  "k8s.io.apimachinery.pkg.runtime.RawExtension": (extension) => rawJson(extension.raw),
};

// Embedded (anonymous) structs of k8s.io/api's types: protobuf nests them in
// a field, JSON spreads their fields into the parent. Read off the Go types
// (a field with an empty json name); keyed by message and field, since the
// same Go type recurs in every version of its group.
const INLINE = new Set([
  "Volume.volumeSource",
  "PersistentVolumeSpec.persistentVolumeSource",
  "Probe.handler",
  "EphemeralContainer.ephemeralContainerCommon",
  "ConfigMapEnvSource.localObjectReference",
  "ConfigMapKeySelector.localObjectReference",
  "ConfigMapProjection.localObjectReference",
  "ConfigMapVolumeSource.localObjectReference",
  "SecretEnvSource.localObjectReference",
  "SecretKeySelector.localObjectReference",
  "SecretProjection.localObjectReference",
  "NamedRuleWithOperations.ruleWithOperations",
  "RuleWithOperations.rule",
  "IngressRule.ingressRuleValue",
  "DeviceAllocationConfiguration.deviceConfiguration",
  "DeviceClaimConfiguration.deviceConfiguration",
  "DeviceClassConfiguration.deviceConfiguration",
]);
const K8S_API = "k8s.io.api.";

/** The JSON object kube-apiserver would make of `message` (a message of `schema`). */
export function messageToJson(protobuf: Protobuf, schema: DescMessage, message: Fields): unknown {
  const custom = CUSTOM_JSON[schema.typeName];
  if (custom !== undefined) return custom(message);
  const only = schema.fields[0];
  if (schema.fields.length === 1 && only?.name === "items" && only.fieldKind === "list") {
    // A Go slice type (e.g. ExtraValue []string) that protobuf must wrap.
    return listToJson(protobuf, only, message[only.localName] as unknown[]);
  }
  const json: Fields = {};
  for (const field of schema.fields) {
    if (!protobuf.isFieldSet(message as never, field)) continue;
    const value = fieldToJson(protobuf, field, message[field.localName]);
    if (omitted(value)) continue;
    if (inlined(schema, field) && isObject(value)) Object.assign(json, value);
    else json[field.name] = value;
  }
  return json;
}

function fieldToJson(protobuf: Protobuf, field: DescField, value: unknown): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalarToJson(value);
    case "enum":
      return value;
    case "message":
      return messageToJson(protobuf, field.message, value as Fields);
    case "list":
      return listToJson(protobuf, field, value as unknown[]);
    case "map": {
      const json: Fields = {};
      for (const [key, entry] of Object.entries(value as Fields)) {
        json[key] =
          field.mapKind === "message"
            ? messageToJson(protobuf, field.message, entry as Fields)
            : scalarToJson(entry);
      }
      return json;
    }
  }
}

function listToJson(protobuf: Protobuf, field: DescField, values: unknown[]): unknown[] {
  if (field.fieldKind !== "list") return [];
  return values.map((value) =>
    field.listKind === "message"
      ? messageToJson(protobuf, field.message, value as Fields)
      : scalarToJson(value),
  );
}

function scalarToJson(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

// omitempty: Kubernetes tags nearly every optional field with it, and gogo
// writes non-pointer fields even when empty. Zero numbers and false stay: a
// pointer field (replicas: 0) means them.
function omitted(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

function inlined(schema: DescMessage, field: DescField): boolean {
  return schema.typeName.startsWith(K8S_API) && INLINE.has(`${schema.name}.${field.name}`);
}

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rawJson(raw: unknown): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  return JSON.parse(Buffer.from(raw).toString("utf8"));
}

// metav1.Time marshals RFC 3339 in seconds, MicroTime with 6 digits; the zero
// time marshals null (omitted).
function timestamp(time: Fields, digits: 0 | 6): string | undefined {
  const seconds = Number(time.seconds ?? 0);
  const nanos = Number(time.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (digits === 0) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z`;
}

const UNITS: [bigint, string][] = [
  [3_600_000_000_000n, "h"],
  [60_000_000_000n, "m"],
];

/** Go's time.Duration.String() (72h3m0.5s, 1.5ms, 0s). */
export function goDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return "0s";
  const sign = nanoseconds < 0n ? "-" : "";
  let rest = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (rest < 1_000_000_000n) {
    if (rest < 1_000n) return `${sign}${rest}ns`;
    if (rest < 1_000_000n) return `${sign}${fraction(rest, 1_000n)}µs`;
    return `${sign}${fraction(rest, 1_000_000n)}ms`;
  }
  let text = "";
  for (const [unit, suffix] of UNITS) {
    if (rest >= unit || text !== "") {
      text += `${rest / unit}${suffix}`;
      rest %= unit;
    }
  }
  return `${sign}${text}${fraction(rest, 1_000_000_000n)}s`;
}

function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const part = value % unit;
  if (part === 0n) return `${whole}`;
  const digits = String(part)
    .padStart(String(unit).length - 1, "0")
    .replace(/0+$/, "");
  return `${whole}.${digits}`;
}
