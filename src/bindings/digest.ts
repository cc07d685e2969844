import { createHash } from "node:crypto";
import { printRuleSet, type RuleSet } from "../check/index.js";

/**
 * The rules digest, as src/lower computes it for manifest.json and proof files: SHA-256 of the
 * expanded rules as `bmc check --expand` prints them. Bindings need it without lowering (rule
 * sets beyond what circuits support still validate); test/bindings.test.ts checks the two agree.
 */
export function rulesDigest(ruleSet: RuleSet): string {
  return createHash("sha256").update(printRuleSet(ruleSet)).digest("hex");
}
