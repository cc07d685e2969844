import { mod } from "../field/index.js";
import type { LExpr } from "../lower/index.js";

/** Evaluates a lowered expression over a block's inputs, modulo p, as the circuit does. */
export function evaluateLExpr(e: LExpr, inputs: readonly bigint[]): bigint {
  switch (e.kind) {
    case "const":
      return e.value;
    case "input":
      return inputs[e.index];
    case "neg":
      return mod(-evaluateLExpr(e.operand, inputs));
    case "add":
      return mod(evaluateLExpr(e.left, inputs) + evaluateLExpr(e.right, inputs));
    case "sub":
      return mod(evaluateLExpr(e.left, inputs) - evaluateLExpr(e.right, inputs));
    case "mul":
      return mod(evaluateLExpr(e.left, inputs) * evaluateLExpr(e.right, inputs));
  }
}
