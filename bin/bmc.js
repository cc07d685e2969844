#!/usr/bin/env node
// Entry point of the `bmc` command. The TypeScript sources are compiled to dist/ by
// `npm run build` (and `npm test`) in a checkout; the published package ships dist/ built
// (prepack). There is no prepare script: npm reports one as an install script to whoever
// installs the package from a tarball.
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
// `bmc --version` alone answers from package.json before anything else loads: the whole command
// is Node's own start-up. Every other way of asking (with other flags) goes through main.
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("bmc: not built yet; run `npm run build`\n");
  process.exit(3);
}
const { main } = await import(entry.href);
// A reader that stops early (`bmc ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const color = !!process.stderr.isTTY && !process.env.NO_COLOR;
const code = await main(args, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color,
});
process.exitCode = code;
