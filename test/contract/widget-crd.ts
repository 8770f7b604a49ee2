// A CRD made for the contract suite: one field per schema feature the fake
// enforces, so each probe names the feature it checks.

export const WIDGET_GROUP = "contract.vvp-sdk.example.com";
export const WIDGETS = (namespace: string) =>
  `/apis/${WIDGET_GROUP}/v1/namespaces/${namespace}/widgets`;

export const WIDGET_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${WIDGET_GROUP}` },
  spec: {
    group: WIDGET_GROUP,
    scope: "Namespaced",
    names: { kind: "Widget", listKind: "WidgetList", plural: "widgets", singular: "widget" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                properties: {
                  size: { type: "integer", minimum: 1, maximum: 10 },
                  name: { type: "string", pattern: "^[a-z]+$", minLength: 2, maxLength: 8 },
                  color: { type: "string", enum: ["red", "green"] },
                  tags: {
                    type: "array",
                    items: { type: "string" },
                    minItems: 1,
                    maxItems: 3,
                    "x-kubernetes-list-type": "set",
                  },
                  ports: {
                    type: "array",
                    items: {
                      type: "object",
                      required: ["name"],
                      properties: { name: { type: "string" }, port: { type: "integer" } },
                    },
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name"],
                  },
                  labels: { type: "object", additionalProperties: { type: "string" } },
                  port: { "x-kubernetes-int-or-string": true },
                  note: { type: "string", nullable: true },
                  mode: { type: "string", default: "auto" },
                  when: { type: "string", format: "date-time" },
                  free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  namespace: { type: "string" },
                  owner: {
                    type: "string",
                    "x-kubernetes-validations": [
                      {
                        rule: "self == oldSelf",
                        message: "owner is immutable",
                        reason: "FieldValueForbidden",
                      },
                    ],
                  },
                },
                "x-kubernetes-validations": [
                  {
                    rule: "!has(self.color) || self.color != 'red' || self.size > 2",
                    messageExpression: "'red needs a size above 2, not ' + string(self.size)",
                    fieldPath: ".size",
                    reason: "FieldValueInvalid",
                  },
                  {
                    rule: "!has(self.__namespace__) || self.__namespace__ != 'kube-system'",
                    message: "namespace may not be kube-system",
                    fieldPath: ".namespace",
                  },
                  {
                    rule: "!oldSelf.hasValue() || self.size >= oldSelf.value().size",
                    message: "size may not shrink",
                    optionalOldSelf: true,
                  },
                ],
              },
              status: {
                type: "object",
                properties: {
                  phase: { type: "string", enum: ["Ready", "Failed"] },
                  observedGeneration: { type: "integer" },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/** A valid Widget. */
export function widget(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: `${WIDGET_GROUP}/v1`,
    kind: "Widget",
    metadata: { name },
    spec: { size: 3, ...spec },
  };
}
