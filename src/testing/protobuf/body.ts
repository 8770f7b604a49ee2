// A request body in Kubernetes' protobuf encoding (what kubectl create sends
// for built-in kinds): the 4-byte magic "k8s\0", then a runtime.Unknown whose
// typeMeta names the kind and whose raw bytes are the object's message.

import type { DescMessage } from "@bufbuild/protobuf";
import type { KubernetesDescriptors } from "./descriptors.js";
import { messageToJson } from "./go-json.js";

/** The media type kubectl sends built-in objects in. */
export const PROTOBUF_MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

const MAGIC = Buffer.from("k8s\0", "latin1");
const UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown";

// Go package (k8s.io/api/<dir>/<version>) of the groups whose directory is
// not the group's first label.
const GROUP_DIRECTORIES: Record<string, string> = {
  "": "core",
  "internal.apiserver.k8s.io": "apiserverinternal",
};

/** Why a protobuf body could not be read (answered 400, as kube-apiserver does). */
export class ProtobufBodyError extends Error {}

/** The object in a protobuf body, as the JSON body kubectl would otherwise have sent. */
export function decodeProtobufBody(
  descriptors: KubernetesDescriptors,
  body: Uint8Array,
): Record<string, unknown> {
  const { protobuf, registry } = descriptors;
  if (body.length < MAGIC.length || !MAGIC.equals(body.subarray(0, MAGIC.length))) {
    throw new ProtobufBodyError(
      "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
    );
  }
  const unknown = registry.getMessage(UNKNOWN);
  if (unknown === undefined) throw new ProtobufBodyError(`no descriptor for ${UNKNOWN}`);
  const envelope = read(protobuf, unknown, body.subarray(MAGIC.length));
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? "";
  const kind = typeMeta.kind ?? "";
  if (String(envelope.contentEncoding ?? "") !== "") {
    throw new ProtobufBodyError(`unsupported content encoding ${String(envelope.contentEncoding)}`);
  }
  const schema = messageOf(descriptors, apiVersion, kind);
  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array();
  const object = toJson(protobuf, schema, read(protobuf, schema, raw));
  return { apiVersion, kind, ...object };
}

function read(
  protobuf: KubernetesDescriptors["protobuf"],
  schema: DescMessage,
  bytes: Uint8Array,
): Record<string, unknown> {
  try {
    return protobuf.fromBinary(schema, bytes) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new ProtobufBodyError(
      `unable to decode ${schema.name}: ${error instanceof Error ? error.message : "invalid protobuf"}`,
    );
  }
}

// A RawExtension or FieldsV1 carries JSON bytes of its own: bytes that do not
// parse are the body's fault (400), as kube-apiserver answers them.
function toJson(
  protobuf: KubernetesDescriptors["protobuf"],
  schema: DescMessage,
  message: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return messageToJson(protobuf, schema, message) as Record<string, unknown>;
  } catch (error) {
    throw new ProtobufBodyError(
      `unable to decode ${schema.name}: ${error instanceof Error ? error.message : "invalid JSON"}`,
    );
  }
}

function messageOf(
  descriptors: KubernetesDescriptors,
  apiVersion: string,
  kind: string,
): DescMessage {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const directory = GROUP_DIRECTORIES[group] ?? group.split(".")[0] ?? "";
  const schema = /^[A-Za-z0-9]+$/.test(kind)
    ? descriptors.registry.getMessage(`k8s.io.api.${directory}.${version}.${kind}`)
    : undefined;
  if (schema === undefined) {
    throw new ProtobufBodyError(
      `no kind "${kind}" is registered for version "${apiVersion}" in the protobuf descriptors of ${descriptors.source}`,
    );
  }
  return schema;
}
