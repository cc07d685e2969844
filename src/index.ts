/**
 * bmc, the block model compiler: library entry point.
 *
 * Pipeline (each stage a folder, each ignorant of the ones after it):
 *   grammar/         tokens and Chevrotain grammar of rule files
 *   src/syntax       rule file text -> AST (syntax diagnostics)
 *   src/check        AST + imports -> checked RuleSet (semantic diagnostics, lints)
 *   src/transcript   transcript text + RuleSet -> Transcript (column-wise blocks)
 *   src/validate     Transcript -> verdict, multiplicities, `_` values (the reference semantics)
 *   src/build        proof trees -> transcripts (term naming, depths, variable solving)
 *   src/cli          the `bmc` command, a thin layer over src/api.ts
 */
export * from "./api.js";
export * from "./check/index.js";
export * from "./diagnostics/index.js";
export * from "./field/index.js";
export { parseRuleFile } from "./syntax/index.js";
export type * from "./syntax/index.js";
export type { BlockValues, Transcript } from "./transcript/model.js";
export { headerText, parseTranscript, type ParsedTranscript } from "./transcript/parse.js";
export * from "./validate/index.js";
export * from "./build/index.js";
