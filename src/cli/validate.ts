// `vvpctl validate`: the webhook's rules on files before `kubectl apply`,
// every finding with its line and column.
import { type FieldError, formatFieldPath, OWNER_LABEL, ROOT_FIELD } from "../models/index.js";
import { type ValidationOptions, validateVvpDeployment } from "../validation/index.js";
import { type ManifestObject, parseManifests } from "./documents.js";
import {
  type Finding,
  identityOf,
  isPlainObject,
  isVvpDeploymentObject,
  type ResourceResult,
  resultFor,
  type ValidationReport,
} from "./findings.js";
import { kindProblem, templatePosition, withEnumHint } from "./hints.js";
import type { InputProblem, SourceText } from "./inputs.js";

/** The webhook options as the command line gives them. */
export interface CheckOptions {
  /** Absent: the owner label is not compared (and a finding says so). */
  instanceId?: string;
  watchedNamespaces?: readonly string[];
  apiKeyValidation: boolean;
  /** Previous versions, for the immutable fields, matched by namespace and name. */
  oldObjects?: readonly unknown[];
}

const OWNER_FIELD = formatFieldPath(["metadata", "labels", OWNER_LABEL]);

/** Validates every VvpDeployment of every source; input problems become `error` results. */
export function validateSources(
  sources: readonly SourceText[],
  problems: readonly InputProblem[],
  options: CheckOptions,
): ValidationReport {
  const resources: ResourceResult[] = problems.map(problemResult);
  // namespace/name → where it was first defined, for the duplicate warning.
  const defined = new Map<string, string>();
  for (const source of sources) {
    resources.push(
      ...validateSource(source, options, (object, result) => {
        if (!isVvpDeploymentObject(object.value)) return;
        const key = `${result.namespace}/${result.name}`;
        const first = defined.get(key);
        const here = object.locate("metadata.name");
        if (first === undefined) {
          defined.set(key, `${source.name}:${here.line}:${here.column}`);
          return;
        }
        result.findings.push({
          severity: "warning",
          field: "metadata.name",
          message: `${result.namespace === "" ? "" : `${result.namespace}/`}${result.name} is also defined at ${first}: applied together, the later one replaces the earlier`,
          reason: "Duplicate",
          position: here,
        });
      }),
    );
  }
  return { resources };
}

/** An input that could not be read: one `error` result without a position. */
export function problemResult(problem: InputProblem): ResourceResult {
  return unnamedError(problem.name, {
    severity: "error",
    field: ROOT_FIELD,
    message: problem.problem,
    reason: "InputError",
  });
}

// An error no object can be named for (the file, or a document that did not
// parse): the identity stays empty, the position is the finding's.
function unnamedError(filename: string, finding: Finding): ResourceResult {
  return {
    filename,
    kind: "",
    name: "",
    namespace: "",
    version: "",
    status: "error",
    findings: [finding],
    ...(finding.position === undefined ? {} : { position: finding.position }),
  };
}

/** The one-line message of a file that is a template, not a manifest. */
export const TEMPLATE_MESSAGE =
  "looks like a Helm or Go template ({{ … }}): render it first: helm template … | vvpctl validate";

/**
 * The results of one source text: syntax errors first, then each object in
 * order (`onObject` sees each object's result as it is made). A Helm or Go
 * template gives one error and nothing else.
 */
export function validateSource(
  source: SourceText,
  options: CheckOptions,
  onObject?: (object: ManifestObject, result: ResourceResult) => void,
): ResourceResult[] {
  const template = templatePosition(source.text);
  if (template !== undefined) {
    return [
      unnamedError(source.name, {
        severity: "error",
        field: ROOT_FIELD,
        message: TEMPLATE_MESSAGE,
        reason: "TemplateNotRendered",
        position: template,
      }),
    ];
  }
  const parsed = parseManifests(source.text);
  const results: ResourceResult[] = parsed.syntaxErrors.map((error) =>
    unnamedError(source.name, {
      severity: "error",
      field: ROOT_FIELD,
      message: `not valid YAML: ${error.message} (${error.code})`,
      reason: "InvalidYAML",
      position: error.position,
    }),
  );
  for (const object of parsed.objects) {
    const result = checkObject(source.name, object, options);
    onObject?.(object, result);
    results.push(result);
  }
  return results;
}

/** The verdict on one object: skipped when it is not a VvpDeployment. */
export function checkObject(
  filename: string,
  object: ManifestObject,
  options: CheckOptions,
): ResourceResult {
  if (!isPlainObject(object.value)) {
    return resultFor(filename, object, "error", [
      {
        severity: "error",
        field: ROOT_FIELD,
        message: "not a Kubernetes object: the document is not a YAML mapping",
        reason: "InputError",
        position: object.start,
      },
    ]);
  }
  if (!isVvpDeploymentObject(object.value)) {
    const problem = kindProblem(object.value);
    if (problem === undefined) return resultFor(filename, object, "skipped", []);
    return resultFor(filename, object, "invalid", [
      {
        severity: "error",
        field: problem.field,
        message: problem.message,
        reason: "FieldValueNotSupported",
        position: object.locate(problem.field),
      },
    ]);
  }
  const findings = findingsOf(object, options);
  const invalid = findings.some((finding) => finding.severity === "error");
  return resultFor(filename, object, invalid ? "invalid" : "valid", findings);
}

/** Every error and warning of one VvpDeployment, each placed in the source. */
export function findingsOf(object: ManifestObject, options: CheckOptions): Finding[] {
  const ownerValue = (object.value as { metadata?: { labels?: Record<string, unknown> } }).metadata
    ?.labels?.[OWNER_LABEL];
  const owner = typeof ownerValue === "string" && ownerValue !== "" ? ownerValue : undefined;
  const oldObject = matchingOld(object.value, options.oldObjects);
  const validationOptions: ValidationOptions = {
    // No silent default: without --instance-id the label is compared with itself.
    instanceId: options.instanceId ?? owner ?? "",
    apiKeyValidation: options.apiKeyValidation,
    ...(options.watchedNamespaces === undefined
      ? {}
      : { watchedNamespaces: options.watchedNamespaces }),
    ...(oldObject === undefined ? {} : { oldObject }),
  };
  const verdict = validateVvpDeployment(object.value, validationOptions);
  const errors = verdict.errors.map((error) =>
    options.instanceId === undefined && error.field === OWNER_FIELD
      ? {
          ...error,
          message:
            "Required value: set it to the operator's instanceId (pass --instance-id to check the value too)",
        }
      : error,
  );
  const findings: Finding[] = errors.map((error) =>
    namespaceSetLater(error, object.value, options)
      ? placed(object, "warning", {
          ...error,
          message: `${error.message} (not set here: fine when kustomize or kubectl apply -n sets it)`,
        })
      : placed(object, "error", { ...error, message: withEnumHint(error.message) }),
  );
  if (options.instanceId === undefined && owner !== undefined) {
    findings.push(
      placed(object, "warning", {
        field: OWNER_FIELD,
        reason: "OwnerNotChecked",
        message: `${JSON.stringify(owner)} was not compared with an operator's instanceId: pass --instance-id ID to check it`,
      }),
    );
  }
  // Field warnings carry their path; `warnings` repeats them as sentences.
  const fieldWarnings = verdict.fieldWarnings;
  const placedMessages = new Set(fieldWarnings.map((warning) => warning.message));
  for (const warning of fieldWarnings) findings.push(placed(object, "warning", warning));
  for (const warning of verdict.warnings as ReadonlyArray<unknown>) {
    if (typeof warning === "string" && placedMessages.has(warning)) continue;
    findings.push(placed(object, "warning", warningAsError(warning, object)));
  }
  // In source order, as compilers print them; a stable sort keeps the rules' order on one node.
  return findings.sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

/**
 * A CR without metadata.namespace checked against --namespaces: kustomize
 * bases and `kubectl apply -n` set it later, so it is a warning, not an error.
 */
function namespaceSetLater(
  error: { field: string; reason: string },
  value: unknown,
  options: CheckOptions,
): boolean {
  return (
    options.watchedNamespaces !== undefined &&
    error.field === "metadata.namespace" &&
    error.reason === "FieldValueRequired" &&
    identityOf(value).namespace === ""
  );
}

/** The previous version of an object: same namespace and name (ours; a rename is a create). */
function matchingOld(value: unknown, oldObjects: readonly unknown[] | undefined): unknown {
  if (oldObjects === undefined) return undefined;
  const { name, namespace } = identityOf(value);
  return oldObjects.find((old) => {
    const identity = identityOf(old);
    return identity.name === name && identity.namespace === namespace;
  });
}

// Fields a finding says should not be there: point at the key, not the value.
function pointsAtKey(error: { reason: string; message: string }): boolean {
  return error.reason === "FieldValueForbidden" || /unknown field/i.test(error.message);
}

function placed(
  object: ManifestObject,
  severity: Finding["severity"],
  error: { field: string; reason: string; message: string },
): Finding {
  return {
    severity,
    field: error.field,
    message: error.message,
    reason: error.reason,
    position: object.locate(error.field, pointsAtKey(error) ? "key" : "value"),
  };
}

/**
 * Warnings are field errors in the models' newer shape and plain sentences in
 * the older; a sentence that starts with a field path is placed on that field.
 */
function warningAsError(
  warning: unknown,
  object: ManifestObject,
): { field: string; reason: string; message: string } {
  if (isPlainObject(warning) && typeof warning.message === "string") {
    const error = warning as Partial<FieldError> & { message: string };
    return {
      field: typeof error.field === "string" ? error.field : ROOT_FIELD,
      reason: typeof error.reason === "string" ? error.reason : "Warning",
      message: error.message,
    };
  }
  const text = String(warning);
  const first = /^([A-Za-z][^\s:]*)/.exec(text)?.[1];
  const root = object.locate(ROOT_FIELD);
  const located = first === undefined ? root : object.locate(first);
  const onField =
    first !== undefined && (located.line !== root.line || located.column !== root.column);
  return { field: onField ? first : ROOT_FIELD, reason: "Warning", message: text };
}
