// Kubernetes' own protobuf descriptors, read from a Go binary built against
// client-go (kubectl by default). Every k8s.io generated.pb.go registers its
// generated.proto as a gzipped FileDescriptorProto, so the binary that sends
// protobuf bodies also carries the schema to decode them: nothing is copied
// into this package, and the descriptors always match the client's version.

import { constants } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { FileRegistry } from "@bufbuild/protobuf";
import type { FileDescriptorProto } from "@bufbuild/protobuf/wkt";

type Protobuf = typeof import("@bufbuild/protobuf");
type Wkt = typeof import("@bufbuild/protobuf/wkt");

/** The descriptors found in one binary, with the library that reads them. */
export interface KubernetesDescriptors {
  registry: FileRegistry;
  protobuf: Protobuf;
  /** Where they came from (a path; shown in messages). */
  source: string;
}

// What Go's compress/gzip writes before every embedded descriptor: magic,
// deflate, no flags, no mtime. Checking the whole header keeps false starts
// (the same bytes inside other data) to a handful per binary.
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
// A FileDescriptorProto starts with field 1 (name), length-delimited.
const NAME_TAG = 0x0a;
// The largest descriptor (k8s.io/api/core/v1) inflates to ~75 KB; a bound on
// each inflate keeps a hostile or odd binary from costing more than that.
const MAX_DESCRIPTOR_BYTES = 4 * 1024 * 1024;
const KUBERNETES_FILE = /^k8s\.io\//;

const cache = new Map<string, Promise<KubernetesDescriptors>>();

/** Loads (once per path) the k8s.io descriptors embedded in `binary`, or in `kubectl` on PATH. */
export function kubernetesDescriptors(binary?: string): Promise<KubernetesDescriptors> {
  const key = binary ?? "";
  let loading = cache.get(key);
  if (loading === undefined) {
    loading = load(binary);
    loading.catch(() => cache.delete(key));
    cache.set(key, loading);
  }
  return loading;
}

async function load(binary: string | undefined): Promise<KubernetesDescriptors> {
  const [protobuf, wkt] = await loadLibrary();
  const source = binary ?? (await onPath("kubectl"));
  if (source === undefined) {
    throw new Error("no kubectl on PATH to read Kubernetes' protobuf descriptors from");
  }
  const files = embeddedFiles(await readFile(source), protobuf, wkt);
  if (!files.some((file) => file.name === "k8s.io/api/core/v1/generated.proto")) {
    throw new Error(`${source} carries no Kubernetes protobuf descriptors`);
  }
  const set = protobuf.create(wkt.FileDescriptorSetSchema, { file: resolvable(files) });
  return { registry: protobuf.createFileRegistry(set), protobuf, source };
}

async function loadLibrary(): Promise<[Protobuf, Wkt]> {
  try {
    return await Promise.all([import("@bufbuild/protobuf"), import("@bufbuild/protobuf/wkt")]);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new Error(
        "decoding protobuf bodies needs @bufbuild/protobuf, an optional peer dependency: npm install --save-dev @bufbuild/protobuf@^2.17.0",
      );
    }
    throw error;
  }
}

async function onPath(command: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder === "") continue;
    const candidate = join(folder, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

function embeddedFiles(binary: Buffer, protobuf: Protobuf, wkt: Wkt): FileDescriptorProto[] {
  const files = new Map<string, FileDescriptorProto>();
  for (let at = binary.indexOf(GZIP_HEADER); at >= 0; at = binary.indexOf(GZIP_HEADER, at + 1)) {
    const file = descriptorAt(binary, at, protobuf, wkt);
    if (file !== undefined && KUBERNETES_FILE.test(file.name) && !files.has(file.name)) {
      files.set(file.name, file);
    }
  }
  return [...files.values()];
}

function descriptorAt(
  binary: Buffer,
  at: number,
  protobuf: Protobuf,
  wkt: Wkt,
): FileDescriptorProto | undefined {
  try {
    const bytes = gunzipSync(binary.subarray(at, at + MAX_DESCRIPTOR_BYTES), {
      maxOutputLength: MAX_DESCRIPTOR_BYTES,
    });
    if (bytes[0] !== NAME_TAG) return undefined;
    return protobuf.fromBinary(wkt.FileDescriptorProtoSchema, bytes);
  } catch {
    // gzip-like bytes that are not an embedded descriptor
    return undefined;
  }
}

// The registry needs every import and every referenced type, in dependency
// order. gogo.proto (options only, never a field type) is not embedded, and a
// few prerelease versions reference messages of another version that the
// binary does not embed: those files are left out, so their kinds stay 415.
function resolvable(files: FileDescriptorProto[]): FileDescriptorProto[] {
  const declared = declaredTypes(files);
  const usable = new Map(
    files
      .filter((file) => referencedTypes(file).every((name) => declared.has(name)))
      .map((file) => [file.name, file]),
  );
  const ordered: FileDescriptorProto[] = [];
  const visited = new Set<string>();
  const visit = (file: FileDescriptorProto): boolean => {
    if (visited.has(file.name)) return usable.has(file.name);
    visited.add(file.name);
    file.dependency = file.dependency.filter((name) => !name.includes("gogoproto"));
    const complete = file.dependency.every((name) => {
      const dependency = usable.get(name);
      return dependency !== undefined && visit(dependency);
    });
    if (complete) ordered.push(file);
    else usable.delete(file.name);
    return complete;
  };
  for (const file of usable.values()) visit(file);
  return ordered;
}

type MessageProto = FileDescriptorProto["messageType"][number];

function declaredTypes(files: FileDescriptorProto[]): Set<string> {
  const names = new Set<string>();
  const add = (scope: string, messages: MessageProto[]) => {
    for (const message of messages) {
      names.add(`${scope}.${message.name}`);
      add(`${scope}.${message.name}`, message.nestedType);
    }
  };
  for (const file of files) add(`.${file.package}`, file.messageType);
  return names;
}

function referencedTypes(file: FileDescriptorProto): string[] {
  const names: string[] = [];
  const add = (messages: MessageProto[]) => {
    for (const message of messages) {
      for (const field of message.field) if (field.typeName !== "") names.push(field.typeName);
      add(message.nestedType);
    }
  };
  add(file.messageType);
  return names;
}
