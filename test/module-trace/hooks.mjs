// The load hook of ./preload.mjs: records every ES module (and the entry of every CommonJS
// module imported from one) as it loads.
import { appendFileSync } from "node:fs";

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.BMC_MODULE_TRACE, url + "\n");
  return nextLoad(url, context);
}
