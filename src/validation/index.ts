export * from "./admission-review.js";
export * from "./admission-types.js";
export { IMMUTABLE_FIELDS } from "./immutable-fields.js";
export { PUT_MODE_FIELDS } from "./put-mode-fields.js";
export * from "./validate.js";
