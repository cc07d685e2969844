/**
 * Metamath databases: the reader (./reader.ts), the proof checker (./verify.ts) and the data
 * model later stages build on (./model.ts).
 */
export * from "./model.js";
export { readMetamath } from "./reader.js";
export { proofDag, verifyMetamath } from "./verify.js";
