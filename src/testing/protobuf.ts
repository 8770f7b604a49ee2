// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`),
// which kubectl's typed commands send (`kubectl create configmap|secret|
// namespace|serviceaccount|service|deployment|pdb|…`): the `k8s\0` envelope
// (runtime.Unknown) and the kind's message, decoded with protobufjs from the
// descriptor generated from Kubernetes' own .proto files, then turned into
// the JSON object kube-apiserver would have read.

import type protobufjs from "protobufjs";
import {
  KUBERNETES_PROTO_DESCRIPTOR,
  KUBERNETES_PROTO_KINDS,
} from "./generated/kubernetes-protobuf.js";
import { badRequest, KubeApiError } from "./status.js";

/** The protobuf media type kube-apiserver speaks besides JSON and YAML. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const ENVELOPE = "k8s.io.apimachinery.pkg.runtime.Unknown";
const META = ".k8s.io.apimachinery.pkg.apis.meta.v1.";

let loaded: Promise<protobufjs.Root> | undefined;

// protobufjs is an optional peer of ./testing: loaded on the first protobuf body.
function root(): Promise<protobufjs.Root> {
  loaded ??= import("protobufjs").then(
    (module) => {
      const protobuf = (module as { default?: typeof protobufjs }).default ?? module;
      return protobuf.Root.fromJSON(KUBERNETES_PROTO_DESCRIPTOR as protobufjs.INamespace);
    },
    () => {
      loaded = undefined;
      throw new KubeApiError(
        415,
        "UnsupportedMediaType",
        "the fake API server reads Kubernetes protobuf with protobufjs: install it (npm install --save-dev protobufjs), or send JSON",
      );
    },
  );
  return loaded;
}

/** Whether the fake decodes protobuf bodies of this `apiVersion/kind`. */
export function decodesProtobuf(apiVersion: string, kind: string): boolean {
  return KUBERNETES_PROTO_KINDS[`${apiVersion}/${kind}`] !== undefined;
}

/** Decodes a protobuf request body into the object's JSON form. */
export async function decodeKubernetesProtobuf(body: Buffer): Promise<Record<string, unknown>> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  }
  const types = await root();
  const envelope = types.lookupType(ENVELOPE).decode(body.subarray(4)) as unknown as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  const apiVersion = envelope.typeMeta?.apiVersion ?? "";
  const kind = envelope.typeMeta?.kind ?? "";
  const name = KUBERNETES_PROTO_KINDS[`${apiVersion}/${kind}`];
  if (name === undefined) {
    throw new KubeApiError(
      415,
      "UnsupportedMediaType",
      `the fake API server decodes no protobuf for ${apiVersion}/${kind}: send it as application/json`,
    );
  }
  const type = types.lookupType(name);
  const message = type.decode(envelope.raw ?? new Uint8Array());
  const object = jsonOf(type, message) as Record<string, unknown>;
  return { apiVersion, kind, ...object };
}

// A message as Kubernetes' JSON: Time as RFC 3339, IntOrString as its value,
// Quantity as its string, bytes as base64, RawExtension as its JSON, and the
// empty values Go's omitempty leaves out dropped.
function jsonOf(type: protobufjs.Type, message: protobufjs.Message): unknown {
  const full = type.fullName;
  const record = message as unknown as Record<string, unknown>;
  if (full === `${META}Time` || full === `${META}MicroTime`) {
    const seconds = Number(record.seconds ?? 0);
    if (seconds === 0) return undefined;
    const iso = new Date(seconds * 1000).toISOString();
    return full === `${META}Time` ? `${iso.slice(0, 19)}Z` : iso.replace(/\.(\d{3})Z$/, ".$1000Z");
  }
  if (full === ".k8s.io.apimachinery.pkg.util.intstr.IntOrString") {
    return Number(record.type ?? 0) === 1 ? record.strVal : Number(record.intVal ?? 0);
  }
  if (full === ".k8s.io.apimachinery.pkg.api.resource.Quantity") return record.string;
  if (full === ".k8s.io.apimachinery.pkg.runtime.RawExtension") {
    const raw = record.raw as Uint8Array | undefined;
    return raw === undefined || raw.length === 0
      ? undefined
      : JSON.parse(Buffer.from(raw).toString("utf8"));
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(record, field.name)) continue;
    const value = record[field.name];
    const convert = (item: unknown): unknown => {
      const resolved = field.resolve().resolvedType;
      if (resolved !== null && "fields" in resolved) {
        return jsonOf(resolved as protobufjs.Type, item as protobufjs.Message);
      }
      if (item instanceof Uint8Array) return Buffer.from(item).toString("base64");
      if (typeof item === "object" && item !== null && "low" in item) return Number(String(item));
      return item;
    };
    let json: unknown;
    if (field.map) {
      json = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(v)]),
      );
    } else if (field.repeated) json = (value as unknown[]).map(convert);
    else json = convert(value);
    if (
      omitted(json) ||
      (full === `${META}ObjectMeta` && field.name === "generation" && json === 0)
    ) {
      continue;
    }
    out[field.name] = json;
  }
  return out;
}

function omitted(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}
