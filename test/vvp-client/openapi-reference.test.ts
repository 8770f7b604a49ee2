import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// Our OpenAPI document against the public VVP 2.1 AppManager description
// (Swagger 2.0), kept beside the repo in ../shared/reference/ as data. Where
// both describe the same operation or property, the types must be the same;
// everything we describe beyond 2.1 is listed by name below, so an addition
// nobody wrote down fails this test.

const OURS_URL = new URL("../../openapi/vvp-appmanager.yaml", import.meta.url);
const REFERENCE_URL = new URL(
  "../../../shared/reference/vvp-appmanager-swagger.json",
  import.meta.url,
);
const REFERENCE_PRESENT = existsSync(REFERENCE_URL);

/** What we describe and VVP 2.1 does not, each with the reason it is there. */
const EXPECTED_ADDITIONS: Record<string, string> = {
  // Operations.
  "PUT /api/v1/namespaces/{namespace}/deployments/{deploymentId}": "PUT syncing mode (seed)",
  // Schemas with no 2.1 counterpart.
  "schema ErrorBody": "the `{ message }` body of VVP's 4xx/5xx answers",
  "schema StringMap": "shared shape of labels, annotations, flinkConfiguration, log4jLoggers",
  "schema DesiredState": "named enum of spec.state",
  "schema ActualState": "named enum of status.state",
  "schema LogReservePolicy": "logging.logReservePolicy (seed, PUT mode)",
  "schema JarArtifact": "artifact kinds JAR, SQLSCRIPT and PYTHON, discriminated on kind",
  "schema SqlScriptArtifact": "artifact kinds JAR, SQLSCRIPT and PYTHON, discriminated on kind",
  "schema PythonArtifact": "artifact kinds JAR, SQLSCRIPT and PYTHON, discriminated on kind",
  // Properties.
  "DeploymentSpec.deploymentTargetName": "newer VVP names the target (seed)",
  "DeploymentSpec.jobFailureExpirationTime": "a field of VVP versions newer than 2.1",
  "DeploymentRestoreStrategy.allowNonRestoredState": "a field of VVP versions newer than 2.1",
  "DeploymentTemplateSpec.engineVersionName": "VERA engine build (seed)",
  "Logging.logReservePolicy": "seed, required in PUT mode",
  "JarArtifact.jarUri": "a field of its artifact kind",
  "JarArtifact.entryClass": "a field of its artifact kind",
  "JarArtifact.mainArgs": "a field of its artifact kind",
  "JarArtifact.additionalDependencies": "a field of its artifact kind",
  "SqlScriptArtifact.sqlScript": "a field of its artifact kind",
  "SqlScriptArtifact.additionalDependencies": "a field of its artifact kind",
  "PythonArtifact.pythonArtifactUri": "a field of its artifact kind",
  "PythonArtifact.entryModule": "a field of its artifact kind",
  "PythonArtifact.mainArgs": "a field of its artifact kind",
  "PythonArtifact.additionalDependencies": "a field of its artifact kind",
  "PythonArtifact.additionalPythonLibraries": "a field of its artifact kind",
  "PythonArtifact.additionalPythonArchives": "a field of its artifact kind",
};

/**
 * Media types we use that the reference does not declare for that operation,
 * each with its reason; empty means every request and response type of ours
 * is one VVP declares (`consumes`/`produces`, global or per operation).
 */
const MEDIA_TYPE_ADDITIONS: Record<string, string> = {};

type Json = Record<string, unknown>;

/** Every operation of an OpenAPI 3 document, in document order. */
function operationsOf(document: Json): Array<{ method: string; path: string; operation: Json }> {
  const found: Array<{ method: string; path: string; operation: Json }> = [];
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const method of METHODS) {
      const operation = (item as Json)[method];
      if (isObject(operation)) found.push({ method, path, operation });
    }
  }
  return found;
}

/** The request and response media types of each operation of our document. */
function mediaTypesOf(
  document: Json,
): Array<{ operation: string; requests: string[]; responses: string[] }> {
  const responsesRef = (document.components as Json).responses as Json;
  return operationsOf(document).map(({ method, path, operation }) => {
    const requestBody = operation.requestBody;
    const requests = isObject(requestBody) ? Object.keys(requestBody.content as Json) : [];
    const responses = new Set<string>();
    for (const response of Object.values(operation.responses as Json)) {
      let resolved = response as Json;
      if (typeof resolved.$ref === "string") {
        resolved = responsesRef[resolved.$ref.split("/").pop() ?? ""] as Json;
      }
      for (const type of Object.keys((resolved.content as Json | undefined) ?? {})) {
        responses.add(type);
      }
    }
    return { operation: `${method.toUpperCase()} ${path}`, requests, responses: [...responses] };
  });
}

/** What the Swagger 2.0 reference lets an operation consume and produce (its own lists, else the global ones). */
function operationTypes(
  reference: Json,
  label: string,
): { consumes: string[]; produces: string[] } {
  const [method = "", path = ""] = label.split(" ");
  const operation = ((reference.paths as Json)?.[path] as Json | undefined)?.[method.toLowerCase()];
  const own = isObject(operation) ? operation : {};
  return {
    consumes: (own.consumes ?? reference.consumes ?? []) as string[],
    produces: (own.produces ?? reference.produces ?? []) as string[],
  };
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A document and how its local $refs resolve. */
interface Side {
  document: Json;
  resolve(schema: unknown): { schema: Json; name?: string };
}

function side(document: Json, prefix: string): Side {
  return {
    document,
    resolve(schema) {
      let current: unknown = schema;
      let name: string | undefined;
      for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
        if (hops > 20) throw new Error(`$ref loop at ${String(current.$ref)}`);
        const ref: string = current.$ref;
        if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}`);
        name = ref.slice(prefix.length);
        const target = pointer(document, ref.slice(2));
        if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
        current = target;
      }
      if (!isObject(current)) throw new Error(`not a schema: ${JSON.stringify(current)}`);
      return name === undefined ? { schema: current } : { schema: current, name };
    },
  };
}

function pointer(document: Json, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split("/")) {
    if (!isObject(current)) return undefined;
    current = current[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return current;
}

/** One schema seen flat: a oneOf/anyOf/allOf is the union of its branches' properties. */
interface Flat {
  types: Set<string>;
  enumValues?: Set<unknown>;
  /** Each property with the name of the schema that declares it. */
  properties: Map<string, Array<{ schema: unknown; owner: string }>>;
  additionalProperties?: unknown;
  items?: unknown;
}

function flatten(from: Side, schema: unknown, owner: string): Flat {
  const resolved = from.resolve(schema);
  const here = resolved.name ?? owner;
  const node = resolved.schema;
  const flat: Flat = { types: new Set(), properties: new Map() };
  const branches = [node.oneOf, node.anyOf, node.allOf].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  for (const branch of branches) {
    const inner = flatten(from, branch, here);
    for (const type of inner.types) flat.types.add(type);
    if (inner.enumValues !== undefined) {
      flat.enumValues ??= new Set();
      for (const value of inner.enumValues) flat.enumValues.add(value);
    }
    for (const [key, list] of inner.properties) {
      flat.properties.set(key, [...(flat.properties.get(key) ?? []), ...list]);
    }
    flat.additionalProperties ??= inner.additionalProperties;
    flat.items ??= inner.items;
  }
  const declared = Array.isArray(node.type)
    ? node.type
    : node.type === undefined
      ? []
      : [node.type];
  for (const type of declared) if (type !== "null") flat.types.add(String(type));
  if (declared.length === 0 && (isObject(node.properties) || node.additionalProperties)) {
    flat.types.add("object");
  }
  if (Array.isArray(node.enum)) {
    flat.enumValues ??= new Set();
    for (const value of node.enum) flat.enumValues.add(value);
  }
  if (isObject(node.properties)) {
    for (const [key, value] of Object.entries(node.properties)) {
      flat.properties.set(key, [
        ...(flat.properties.get(key) ?? []),
        { schema: value, owner: here },
      ]);
    }
  }
  if (isObject(node.additionalProperties)) flat.additionalProperties = node.additionalProperties;
  if (node.items !== undefined) flat.items = node.items;
  return flat;
}

/** The outcome of a comparison: type conflicts and what we add. */
interface Comparison {
  conflicts: string[];
  additions: Set<string>;
}

function compareSchemas(
  ours: Side,
  reference: Side,
  ourSchema: unknown,
  referenceSchema: unknown,
  label: string,
  owner: string,
  result: Comparison,
  seen: Set<string>,
): void {
  const ourFlat = flatten(ours, ourSchema, owner);
  const referenceFlat = flatten(reference, referenceSchema, owner);
  const ourName = ours.resolve(ourSchema).name ?? owner;
  const key = `${ourName}|${reference.resolve(referenceSchema).name ?? label}`;
  if (seen.has(key)) return;
  seen.add(key);

  const ourTypes = [...ourFlat.types].sort().join("|");
  const referenceTypes = [...referenceFlat.types].sort().join("|");
  if (ourTypes !== referenceTypes) {
    result.conflicts.push(
      `${label}: ours is ${ourTypes || "untyped"}, VVP 2.1 has ${referenceTypes || "untyped"}`,
    );
    return;
  }
  if (ourFlat.enumValues !== undefined && referenceFlat.enumValues !== undefined) {
    const missing = [...referenceFlat.enumValues].filter(
      (value) => !ourFlat.enumValues?.has(value),
    );
    if (missing.length > 0) {
      result.conflicts.push(`${label}: our enum lacks VVP 2.1 values ${JSON.stringify(missing)}`);
    }
    for (const value of ourFlat.enumValues) {
      if (!referenceFlat.enumValues.has(value)) result.additions.add(`${ourName}=${String(value)}`);
    }
  }
  for (const [property, declarations] of ourFlat.properties) {
    const referenceDeclarations = referenceFlat.properties.get(property);
    for (const declaration of declarations) {
      if (referenceDeclarations === undefined) {
        result.additions.add(`${declaration.owner}.${property}`);
        continue;
      }
      for (const referenceDeclaration of referenceDeclarations) {
        compareSchemas(
          ours,
          reference,
          declaration.schema,
          referenceDeclaration.schema,
          `${label}.${property}`,
          declaration.owner,
          result,
          seen,
        );
      }
    }
  }
  if (isObject(ourFlat.additionalProperties) && isObject(referenceFlat.additionalProperties)) {
    compareSchemas(
      ours,
      reference,
      ourFlat.additionalProperties,
      referenceFlat.additionalProperties,
      `${label}[*]`,
      ourName,
      result,
      seen,
    );
  }
  if (ourFlat.items !== undefined && referenceFlat.items !== undefined) {
    compareSchemas(
      ours,
      reference,
      ourFlat.items,
      referenceFlat.items,
      `${label}[]`,
      ourName,
      result,
      seen,
    );
  }
}

/** Parameters of an operation keyed `in:name`, path-level ones included. */
function parametersOf(from: Side, pathItem: Json, operation: Json): Map<string, Json> {
  const all = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(operation.parameters) ? operation.parameters : []),
  ];
  const byKey = new Map<string, Json>();
  for (const entry of all) {
    const parameter = from.resolve(entry).schema;
    byKey.set(`${String(parameter.in)}:${String(parameter.name)}`, parameter);
  }
  return byKey;
}

function compareDocuments(ourDocument: Json, referenceDocument: Json): Comparison {
  const ours = side(ourDocument, "#/components/schemas/");
  // Swagger 2.0 keeps schemas under definitions; our parameters are resolved by `ours` only.
  const reference = side(referenceDocument, "#/definitions/");
  const oursAll: Side = {
    document: ourDocument,
    resolve(schema) {
      if (
        isObject(schema) &&
        typeof schema.$ref === "string" &&
        !schema.$ref.startsWith("#/components/schemas/")
      ) {
        const target = pointer(ourDocument, schema.$ref.slice(2));
        if (!isObject(target)) throw new Error(`unresolved $ref ${schema.$ref}`);
        return { schema: target };
      }
      return ours.resolve(schema);
    },
  };
  const result: Comparison = { conflicts: [], additions: new Set() };
  const seen = new Set<string>();
  const ourPaths = ourDocument.paths as Json;
  const referencePaths = referenceDocument.paths as Json;

  for (const [path, ourItem] of Object.entries(ourPaths)) {
    if (!isObject(ourItem)) continue;
    const referenceItem = referencePaths[path];
    for (const method of METHODS) {
      const ourOperation = ourItem[method];
      if (!isObject(ourOperation)) continue;
      const operationLabel = `${method.toUpperCase()} ${path}`;
      const referenceOperation = isObject(referenceItem) ? referenceItem[method] : undefined;
      if (!isObject(referenceOperation) || !isObject(referenceItem)) {
        result.additions.add(operationLabel);
        continue;
      }
      const ourParameters = parametersOf(oursAll, ourItem, ourOperation);
      const referenceParameters = parametersOf(reference, referenceItem, referenceOperation);
      let referenceBody: unknown;
      for (const [key, parameter] of referenceParameters) {
        if (parameter.in === "body") referenceBody = parameter.schema;
        else if (!ourParameters.has(key)) continue;
        else {
          const ourType = String((ourParameters.get(key)?.schema as Json | undefined)?.type);
          if (ourType !== String(parameter.type)) {
            result.conflicts.push(
              `${operationLabel} parameter ${key}: ours is ${ourType}, VVP 2.1 has ${String(parameter.type)}`,
            );
          }
        }
      }
      for (const key of ourParameters.keys()) {
        if (!referenceParameters.has(key))
          result.additions.add(`${operationLabel} parameter ${key}`);
      }
      const requestBody = ourOperation.requestBody;
      if (isObject(requestBody) && referenceBody !== undefined) {
        const content = requestBody.content as Json;
        for (const [mediaType, media] of Object.entries(content)) {
          compareSchemas(
            ours,
            reference,
            (media as Json).schema,
            referenceBody,
            `${operationLabel} body (${mediaType})`,
            "",
            result,
            seen,
          );
        }
      }
      const ourResponses = ourOperation.responses as Json;
      const referenceResponses = referenceOperation.responses as Json;
      for (const [status, response] of Object.entries(ourResponses)) {
        const referenceResponse = referenceResponses[status];
        const referenceSchema = isObject(referenceResponse) ? referenceResponse.schema : undefined;
        const ourResponse = oursAll.resolve(response).schema;
        const ourSchema = (
          (ourResponse.content as Json | undefined)?.["application/json"] as Json | undefined
        )?.schema;
        if (ourSchema !== undefined && referenceSchema !== undefined) {
          compareSchemas(
            ours,
            reference,
            ourSchema,
            referenceSchema,
            `${operationLabel} ${status}`,
            "",
            result,
            seen,
          );
        }
      }
    }
  }
  const referenceDefinitions = referenceDocument.definitions as Json;
  for (const name of Object.keys((ourDocument.components as Json).schemas as Json)) {
    if (!(name in referenceDefinitions)) result.additions.add(`schema ${name}`);
  }
  // Schemas both name but no shared operation reaches are compared too.
  for (const name of Object.keys((ourDocument.components as Json).schemas as Json)) {
    if (name in referenceDefinitions) {
      compareSchemas(
        ours,
        reference,
        { $ref: `#/components/schemas/${name}` },
        { $ref: `#/definitions/${name}` },
        name,
        name,
        result,
        seen,
      );
    }
  }
  return result;
}

const ourDocument = parse(readFileSync(OURS_URL, "utf8")) as Json;

describe("openapi/vvp-appmanager.yaml", () => {
  it("is OpenAPI 3.1 with global Bearer auth", () => {
    expect(ourDocument.openapi).toMatch(/^3\.1\./);
    expect(ourDocument.security).toEqual([{ bearerAuth: [] }]);
    expect((ourDocument.components as Json).securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer" },
    });
  });

  it("has exactly the operations the SDK uses, with their operationIds", () => {
    const operations: string[] = [];
    for (const [path, item] of Object.entries(ourDocument.paths as Json)) {
      for (const method of METHODS) {
        const operation = (item as Json)[method];
        if (isObject(operation))
          operations.push(`${String(operation.operationId)} ${method.toUpperCase()} ${path}`);
      }
    }
    expect(operations.sort()).toEqual(
      [
        "listDeployments GET /api/v1/namespaces/{namespace}/deployments",
        "createDeployment POST /api/v1/namespaces/{namespace}/deployments",
        "getDeployment GET /api/v1/namespaces/{namespace}/deployments/{deploymentId}",
        "patchDeployment PATCH /api/v1/namespaces/{namespace}/deployments/{deploymentId}",
        "replaceDeployment PUT /api/v1/namespaces/{namespace}/deployments/{deploymentId}",
        "deleteDeployment DELETE /api/v1/namespaces/{namespace}/deployments/{deploymentId}",
        "createSavepoint POST /api/v1/namespaces/{namespace}/savepoints",
        "listSavepoints GET /api/v1/namespaces/{namespace}/savepoints",
        "getSavepoint GET /api/v1/namespaces/{namespace}/savepoints/{savepointId}",
        "listJobs GET /api/v1/namespaces/{namespace}/jobs",
        "getJob GET /api/v1/namespaces/{namespace}/jobs/{jobId}",
        "listEvents GET /api/v1/namespaces/{namespace}/events",
        "getDeploymentTarget GET /api/v1/namespaces/{namespace}/deployment-targets/{name}",
      ].sort(),
    );
  });

  it("sends PATCH bodies as application/json only (VVP answers 415 to merge-patch+json)", () => {
    const patch = (
      (ourDocument.paths as Json)[
        "/api/v1/namespaces/{namespace}/deployments/{deploymentId}"
      ] as Json
    ).patch as Json;
    expect(Object.keys((patch.requestBody as Json).content as Json)).toEqual(["application/json"]);
  });

  it("answers every error with the `{ message }` body", () => {
    for (const item of Object.values(ourDocument.paths as Json)) {
      for (const method of METHODS) {
        const operation = (item as Json)[method];
        if (!isObject(operation)) continue;
        const responses = operation.responses as Json;
        expect(responses["4XX"], String(operation.operationId)).toEqual({
          $ref: "#/components/responses/Error",
        });
        expect(responses["5XX"], String(operation.operationId)).toEqual({
          $ref: "#/components/responses/Error",
        });
      }
    }
    const errorBody = ((ourDocument.components as Json).schemas as Json).ErrorBody as Json;
    expect(errorBody.required).toEqual(["message"]);
  });

  it("keeps every VVP object open, as the seed promises every standard field passes", () => {
    const closed = Object.entries((ourDocument.components as Json).schemas as Json)
      .filter(([, schema]) => isObject(schema) && isObject((schema as Json).properties))
      .filter(([, schema]) => (schema as Json).additionalProperties !== true)
      .map(([name]) => name);
    expect(closed).toEqual([]);
  });

  it("finds a type conflict and an undocumented addition when they exist (self-check)", () => {
    const reference: Json = {
      paths: {
        "/x": {
          get: {
            parameters: [],
            responses: { "200": { schema: { $ref: "#/definitions/Thing" } } },
          },
        },
      },
      definitions: { Thing: { type: "object", properties: { count: { type: "integer" } } } },
    };
    const ours: Json = {
      paths: {
        "/x": {
          get: {
            responses: {
              "200": {
                content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            type: "object",
            properties: { count: { type: "string" }, extra: { type: "string" } },
          },
        },
      },
    };
    const result = compareDocuments(ours, reference);
    expect(result.conflicts).toEqual(["GET /x 200.count: ours is string, VVP 2.1 has integer"]);
    expect([...result.additions]).toEqual(["Thing.extra"]);
  });

  describe.skipIf(!REFERENCE_PRESENT)("against the VVP 2.1 reference description", () => {
    const comparison = REFERENCE_PRESENT
      ? compareDocuments(ourDocument, JSON.parse(readFileSync(REFERENCE_URL, "utf8")) as Json)
      : { conflicts: [], additions: new Set<string>() };

    it("has the same type wherever both describe the same operation or property", () => {
      expect(comparison.conflicts).toEqual([]);
    });

    it("adds exactly the listed fields and operations beyond VVP 2.1", () => {
      expect([...comparison.additions].sort()).toEqual(Object.keys(EXPECTED_ADDITIONS).sort());
    });
  });

  describe.skipIf(!REFERENCE_PRESENT)(
    "media types against the reference's consumes and produces",
    () => {
      const reference = REFERENCE_PRESENT
        ? (JSON.parse(readFileSync(REFERENCE_URL, "utf8")) as Json)
        : {};
      const mediaTypes = mediaTypesOf(ourDocument);

      it("walks every operation of our document", () => {
        expect(mediaTypes.map((entry) => entry.operation)).toEqual(
          operationsOf(ourDocument).map(({ method, path }) => `${method.toUpperCase()} ${path}`),
        );
        expect(mediaTypes.length).toBeGreaterThanOrEqual(13);
      });

      it("sends only types VVP consumes and reads only types it produces, but for the listed additions", () => {
        const offending: string[] = [];
        for (const entry of mediaTypes) {
          const allowed = operationTypes(reference, entry.operation);
          for (const type of entry.requests) {
            if (!allowed.consumes.includes(type))
              offending.push(`${entry.operation} request ${type}`);
          }
          for (const type of entry.responses) {
            if (!allowed.produces.includes(type))
              offending.push(`${entry.operation} response ${type}`);
          }
        }
        expect(offending.sort()).toEqual(Object.keys(MEDIA_TYPE_ADDITIONS).sort());
      });

      it("finds a request type VVP does not consume (self-check)", () => {
        const bad = structuredClone(ourDocument);
        const patch = (
          (bad.paths as Json)["/api/v1/namespaces/{namespace}/deployments/{deploymentId}"] as Json
        ).patch as Json;
        ((patch.requestBody as Json).content as Json)["application/merge-patch+json"] = {};
        const entry = mediaTypesOf(bad).find((candidate) =>
          candidate.operation.startsWith("PATCH"),
        );
        const allowed = operationTypes(reference, entry?.operation ?? "");
        expect(entry?.requests.filter((type) => !allowed.consumes.includes(type))).toEqual([
          "application/merge-patch+json",
        ]);
      });
    },
  );

  it.runIf(!REFERENCE_PRESENT)(
    "compares with VVP 2.1 only when ../shared/reference/vvp-appmanager-swagger.json is present (skipped: it is absent)",
    () => {
      console.warn(
        "skipped the VVP 2.1 comparison: ../shared/reference/vvp-appmanager-swagger.json is not beside the repo",
      );
    },
  );
});
