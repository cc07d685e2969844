/**
 * Stage: a checked RuleSet -> TypeScript bindings (docs/bindings.md). Like src/build, it sits
 * beside the pipeline: it reads only the checked rules, and the module it writes calls the
 * library (validator, prover) through ./runtime.ts at run time.
 */
export { generateBindings, type BindingsOptions } from "./generate.js";
export { rulesDigest } from "./digest.js";
export * as bindingsRuntime from "./runtime.js";
export {
  foldBackend,
  groth16Backend,
  type BackendProveRequest,
  type BackendVerifyResult,
  type ProvingBackend,
} from "./runtime.js";
