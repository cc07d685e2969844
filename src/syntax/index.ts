export type * from "./ast.js";
export { parseRuleFile, type ParsedRuleFile } from "./rules.js";
