export * from "./admission-review.js";
export * from "./admission-types.js";
export * from "./validate.js";
