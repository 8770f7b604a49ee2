// Minimal hand-written shapes of the apiextensions.k8s.io/v1 objects we emit.
// Only the fields this package writes are modelled; they follow the
// Kubernetes API names so the output can be read against its documentation.

/** Scalar and container types a structural schema node may declare. */
export type SchemaType = "object" | "array" | "string" | "integer" | "number" | "boolean";

/** Reasons a CEL validation rule may report (apiextensions.k8s.io/v1 FieldValueErrorReason). */
export type ValidationRuleReason =
  | "FieldValueInvalid"
  | "FieldValueForbidden"
  | "FieldValueRequired"
  | "FieldValueDuplicate";

/** One `x-kubernetes-validations` entry: a CEL rule evaluated by the API server. */
export interface ValidationRule {
  /** CEL expression over `self` (and `oldSelf` for transition rules) that must be true. */
  rule: string;
  /** What the author should write; shown when the rule fails. */
  message: string;
  /** CEL expression producing the message; falls back to `message` if it fails. */
  messageExpression?: string;
  /** JSONPath, relative to the node carrying the rule, of the field the error names. */
  fieldPath?: string;
  /** StatusCause reason of the error. */
  reason?: ValidationRuleReason;
}

/** A JSON value as it may appear in an `enum`. */
export type JsonScalar = string | number | boolean | null;

/** An OpenAPI v3 schema node as apiextensions.k8s.io/v1 accepts it (JSONSchemaProps). */
export interface JSONSchemaProps {
  type?: SchemaType;
  description?: string;
  nullable?: boolean;
  enum?: JsonScalar[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  "x-kubernetes-preserve-unknown-fields"?: true;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
}

/** An `additionalPrinterColumns` entry of a CRD version. */
export interface CustomResourceColumnDefinition {
  name: string;
  type: "string" | "boolean" | "integer" | "number" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** One served version of a CRD. */
export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never> };
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition. */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string };
    scope: "Namespaced" | "Cluster";
    versions: CustomResourceDefinitionVersion[];
  };
}
