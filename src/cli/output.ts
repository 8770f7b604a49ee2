// The renderings of a validation report: text lines for people and editors,
// kubeconform-shaped JSON, JUnit XML for CI test reports, SARIF 2.1.0 for
// code-scanning UIs.
import { ROOT_FIELD } from "../models/index.js";
import {
  type Finding,
  type ResourceResult,
  type ResourceStatus,
  summaryOf,
  type ValidationReport,
} from "./findings.js";

/** The output formats of `validate`. */
export const VALIDATE_FORMATS = ["text", "json", "junit", "sarif"] as const;
/** One output format of `validate`. */
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

/** Renders a report in a format; the text ends with a newline. */
export function renderReport(report: ValidationReport, format: ValidateFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(jsonReport(report), null, 2)}\n`;
    case "junit":
      return junitReport(report);
    case "sarif":
      return `${JSON.stringify(sarifReport(report), null, 2)}\n`;
    default:
      return textReport(report);
  }
}

/** `file:line:col: error|warning: <field path>: <message> (<Reason>)`, then a summary line. */
export function textReport(report: ValidationReport): string {
  const lines: string[] = [];
  for (const resource of report.resources) {
    for (const finding of resource.findings) lines.push(findingLine(resource.filename, finding));
  }
  const summary = summaryOf(report);
  const checked = summary.valid + summary.invalid;
  lines.push(
    `${checked} VvpDeployment${checked === 1 ? "" : "s"} checked: ${summary.valid} valid, ${summary.invalid} invalid; ${summary.skipped} other document${summary.skipped === 1 ? "" : "s"} skipped; ${summary.errors} input error${summary.errors === 1 ? "" : "s"}`,
  );
  return `${lines.join("\n")}\n`;
}

/** One finding as a compiler-style line. */
export function findingLine(filename: string, finding: Finding): string {
  const where =
    finding.position === undefined
      ? filename
      : `${filename}:${finding.position.line}:${finding.position.column}`;
  return `${where}: ${finding.severity}: ${finding.field}: ${finding.message} (${finding.reason})`;
}

const KUBECONFORM_STATUS: Readonly<Record<ResourceStatus, string>> = {
  valid: "statusValid",
  invalid: "statusInvalid",
  error: "statusError",
  skipped: "statusSkipped",
};

/** kubeconform's `-output json -summary` shape, plus line, column, severity and reason. */
export function jsonReport(report: ValidationReport): unknown {
  return {
    resources: report.resources.map((resource) => {
      const errors = resource.findings.filter((finding) => finding.severity === "error");
      const warnings = resource.findings.filter((finding) => finding.severity === "warning");
      return {
        filename: resource.filename,
        kind: resource.kind,
        name: resource.name,
        version: resource.version,
        status: KUBECONFORM_STATUS[resource.status],
        msg: errors.map((finding) => `${finding.field}: ${finding.message}`).join("; "),
        ...(resource.documentIndex === undefined ? {} : { documentIndex: resource.documentIndex }),
        ...(resource.position === undefined
          ? {}
          : { line: resource.position.line, column: resource.position.column }),
        validationErrors: errors.map(jsonFinding),
        warnings: warnings.map(jsonFinding),
      };
    }),
    summary: summaryOf(report),
  };
}

function jsonFinding(finding: Finding): Record<string, unknown> {
  return {
    path: jsonPointer(finding.field),
    field: finding.field,
    msg: finding.message,
    reason: finding.reason,
    ...(finding.position === undefined
      ? {}
      : { line: finding.position.line, column: finding.position.column }),
  };
}

/**
 * A Kubernetes field path as a JSON pointer (`metadata.labels[a/b]` →
 * `/metadata/labels/a~1b`), as kubeconform reports paths. Best effort for
 * keys holding `].` (none of our fields do).
 */
export function jsonPointer(field: string): string {
  if (field === ROOT_FIELD) return "";
  const segments: string[] = [];
  let rest = field;
  while (rest.length > 0) {
    if (rest.startsWith("[")) {
      let end = rest.indexOf("]");
      while (end !== -1 && end + 1 < rest.length && !".[".includes(rest[end + 1] ?? "")) {
        end = rest.indexOf("]", end + 1);
      }
      if (end === -1) end = rest.length;
      segments.push(rest.slice(1, end));
      rest = rest.slice(end + 1);
    } else {
      const start = rest.startsWith(".") ? 1 : 0;
      const match = /^[^.[]*/.exec(rest.slice(start));
      const name = match?.[0] ?? "";
      segments.push(name);
      rest = rest.slice(start + name.length);
    }
  }
  return segments
    .map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`)
    .join("");
}

function xml(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Control characters other than tab, newline and return are not allowed in XML 1.0, even escaped.
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) out += "\uFFFD";
    else out += XML_ESCAPES[char] ?? char;
  }
  return out;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
};

/** JUnit XML: a testsuite per file, a testcase per object; findings are failures. */
export function junitReport(report: ValidationReport): string {
  const byFile = new Map<string, ResourceResult[]>();
  for (const resource of report.resources) {
    const list = byFile.get(resource.filename) ?? [];
    list.push(resource);
    byFile.set(resource.filename, list);
  }
  const summary = summaryOf(report);
  const total = report.resources.length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vvpctl validate" tests="${total}" failures="${summary.invalid}" errors="${summary.errors}" skipped="${summary.skipped}">`,
  ];
  let id = 0;
  for (const [filename, resources] of byFile) {
    const count = (status: ResourceStatus) => resources.filter((r) => r.status === status).length;
    out.push(
      `  <testsuite name="${xml(filename)}" id="${id}" tests="${resources.length}" failures="${count("invalid")}" errors="${count("error")}" skipped="${count("skipped")}">`,
    );
    id += 1;
    for (const resource of resources) out.push(...junitCase(resource));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

function junitCase(resource: ResourceResult): string[] {
  const objectName =
    resource.name === ""
      ? `${resource.filename}#${resource.documentIndex ?? 0}`
      : resource.namespace === ""
        ? resource.name
        : `${resource.namespace}/${resource.name}`;
  const className = resource.kind === "" ? "input" : `${resource.kind}@${resource.version}`;
  const open = `    <testcase name="${xml(objectName)}" classname="${xml(className)}"`;
  const errors = resource.findings.filter((finding) => finding.severity === "error");
  const warnings = resource.findings.filter((finding) => finding.severity === "warning");
  const body: string[] = [];
  if (resource.status === "skipped") body.push('      <skipped message="not a VvpDeployment"/>');
  for (const finding of errors) {
    const tag = resource.status === "error" ? "error" : "failure";
    body.push(
      `      <${tag} message="${xml(`${finding.field}: ${finding.message}`)}" type="${xml(finding.reason)}">${xml(findingLine(resource.filename, finding))}</${tag}>`,
    );
  }
  if (warnings.length > 0) {
    const text = warnings.map((finding) => findingLine(resource.filename, finding)).join("\n");
    body.push(`      <system-out>${xml(text)}</system-out>`);
  }
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, "    </testcase>"];
}

const RULE_TEXT: Readonly<Record<string, string>> = {
  FieldValueRequired: "A required field is missing",
  FieldValueInvalid: "A field has an invalid value",
  FieldValueForbidden: "A field is not allowed here",
  FieldValueNotSupported: "A field has an unsupported value",
  InvalidYAML: "The file is not valid YAML",
  InputError: "The input cannot be read as a Kubernetes manifest",
  OwnerNotChecked: "The owner label was not compared with an operator instance",
  Warning: "Valid, but probably not what the author meant",
};

/** SARIF 2.1.0: one run, a rule per reason, a result per finding with its region. */
export function sarifReport(report: ValidationReport): unknown {
  const findings = report.resources.flatMap((resource) =>
    resource.findings.map((finding) => ({ resource, finding })),
  );
  const ruleIds = [...new Set(findings.map(({ finding }) => finding.reason))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "vvpctl",
            informationUri: "https://www.npmjs.com/package/vvp-deployment-sdk",
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: RULE_TEXT[id] ?? id },
            })),
          },
        },
        results: findings.map(({ resource, finding }) => ({
          ruleId: finding.reason,
          ruleIndex: ruleIds.indexOf(finding.reason),
          level: finding.severity,
          message: { text: `${finding.field}: ${finding.message}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(resource.filename) },
                ...(finding.position === undefined
                  ? {}
                  : {
                      region: {
                        startLine: finding.position.line,
                        startColumn: finding.position.column,
                      },
                    }),
              },
            },
          ],
        })),
      },
    ],
  };
}

// SARIF wants URI references: forward slashes, percent-encoded.
function sarifUri(filename: string): string {
  if (filename === "<stdin>") return "stdin";
  return filename
    .split(/[\\/]/)
    .map((part) => encodeURIComponent(part))
    .join("/");
}
