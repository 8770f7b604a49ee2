// The CRD and the editor JSON Schema of VvpDeployment, derived from src/models.

export { buildCrd, buildOpenApiV3Schema, CRD_NAME, CRD_VERSION } from "./build-crd.js";
export { celPropertyName } from "./cel-rules.js";
export { applyDescriptions, DESCRIPTIONS } from "./descriptions.js";
export { GENERATED_NOTICE } from "./generated-notice.js";
export { buildJsonSchema, JSON_SCHEMA_ID, type JsonSchema } from "./json-schema.js";
export {
  buildMappingCrd,
  MAPPING_CRD_NAME,
  MAPPING_KIND,
  MAPPING_PLURAL,
} from "./mapping-crd.js";
export {
  additionalPrinterColumns,
  PRINTER_COLUMNS,
  type PrinterColumn,
  type PrinterColumnInput,
  type PrinterColumnSource,
  printerColumnValue,
} from "./printer-columns.js";
export { renderCrdYaml, renderJsonSchema, renderMappingCrdYaml } from "./render.js";
export { schemaNodesAt, schemaPathSegments } from "./schema-path.js";
export { StructuralSchemaError, toStructuralSchema } from "./structural-schema.js";
export type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
  ValidationRule,
  ValidationRuleReason,
} from "./types.js";
