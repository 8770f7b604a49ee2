// Author-facing types of the VvpDeployment CR for CRs written in TypeScript.
export * from "./define.js";
export * from "./types.js";
