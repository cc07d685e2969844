/** Where bmc's own files (stdlib/, examples/) live, whether running from src/ or dist/. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "bmc") {
      return (root = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("bmc: cannot find the package root above " + import.meta.url);
    dir = up;
  }
}

export function stdlibDir(): string {
  return join(packageRoot(), "stdlib");
}
