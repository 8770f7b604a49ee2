// Request bodies in Kubernetes' protobuf encoding, built the way client-go
// builds them (the "k8s\0" magic, a runtime.Unknown carrying typeMeta and the
// object's message), from the descriptors embedded in kubectl.

import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  type KubernetesDescriptors,
  kubernetesDescriptors,
} from "../../src/testing/protobuf/descriptors.js";

/** kubectl's descriptors, or undefined on a machine without kubectl. */
export const descriptors: KubernetesDescriptors | undefined = await kubernetesDescriptors().catch(
  () => undefined,
);

/** The media type of such bodies. */
export const PROTOBUF = { "Content-Type": "application/vnd.kubernetes.protobuf" };

/** `message` (an init of the kind's message, e.g. `{ metadata: { name }, data }`) as a protobuf body. */
export function protobufBody(
  apiVersion: string,
  kind: string,
  typeName: string,
  message: Record<string, unknown>,
): Buffer {
  const found = descriptors;
  if (found === undefined) throw new Error("no kubectl descriptors on this machine");
  const { protobuf, registry } = found;
  const schema = registry.getMessage(typeName);
  const unknown = registry.getMessage("k8s.io.apimachinery.pkg.runtime.Unknown");
  if (schema === undefined || unknown === undefined)
    throw new Error(`no descriptor for ${typeName}`);
  const raw = protobuf.toBinary(
    schema,
    protobuf.create(schema, message as MessageInitShape<never>),
  );
  const envelope = protobuf.create(unknown, {
    typeMeta: { apiVersion, kind },
    raw,
    contentEncoding: "",
    contentType: "",
  } as MessageInitShape<never>);
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), protobuf.toBinary(unknown, envelope)]);
}
