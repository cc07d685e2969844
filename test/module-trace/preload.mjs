// Preloaded with `node --import` by test/startup.test.ts: appends the URL of every module the
// process loads to the file named by BMC_MODULE_TRACE, one a line. ES modules are seen by a
// load hook (./hooks.mjs, which Node runs on its own thread); CommonJS modules, which one
// another's require() loads without the hook, are added from the require cache at exit.
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { pathToFileURL } from "node:url";

const trace = process.env.BMC_MODULE_TRACE;
if (!trace) throw new Error("module-trace: set BMC_MODULE_TRACE to the trace file");
register(new URL("./hooks.mjs", import.meta.url));
process.on("exit", () => {
  const cache = Object.keys(createRequire(import.meta.url).cache);
  appendFileSync(trace, cache.map((path) => pathToFileURL(path).href + "\n").join(""));
});
