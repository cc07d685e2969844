/** What every benchmark report says about where it ran, and how it writes its files. */
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { arch, cpus, loadavg, release, totalmem, type } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    loadAverage: loadavg(),
  };
}

/** The machine as a report's Machine line gives it: processor, cores, memory, system. */
export function machineText(m: Omit<ReturnType<typeof machine>, "loadAverage">): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, ${m.os}`;
}

/** The Date, Machine, Node and Revision lines at the top of a report. */
export function runLines(
  date: string,
  m: Omit<ReturnType<typeof machine>, "loadAverage">,
  revision: string,
): string[] {
  return [
    `- Date: ${date}`,
    `- Machine: ${machineText(m)}`,
    `- Node: ${m.node}`,
    `- Revision: ${revision}`,
  ];
}

export function gitRevision(root: string): string {
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  try {
    const head = git("rev-parse", "--short", "HEAD");
    // Earlier results in bench/results/ do not make the code under test differ.
    const dirty = git(
      "status",
      "--porcelain",
      "--untracked-files=no",
      "--",
      ".",
      ":!bench/results",
    );
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return "unknown";
  }
}

/** A markdown table with padded columns (stable under prettier). `align`: "l" or "r" per column. */
export function markdownTable(header: string[], align: string, rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const cell = (s: string, c: number) =>
    align[c] === "r" ? s.padStart(widths[c]) : s.padEnd(widths[c]);
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = widths.map((w, c) => (align[c] === "r" ? "-".repeat(w - 1) + ":" : "-".repeat(w)));
  return [line(header), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Writes a result file whole: a temporary name first, then renamed. */
export function writeResult(dir: string, name: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
}

/** Writes a benchmark's two result files, `stem.md` and `stem.json` (indented by `indent`). */
export function writeReport(
  dir: string,
  stem: string,
  markdown: string,
  json: unknown,
  indent = 2,
): void {
  writeResult(dir, `${stem}.md`, markdown);
  writeResult(dir, `${stem}.json`, JSON.stringify(json, null, indent) + "\n");
}

/**
 * The command that ran a benchmark, and the npm script behind it when npm ran it as `script`.
 * `moduleUrl` is the benchmark's own import.meta.url.
 */
export function commandLine(
  root: string,
  moduleUrl: string,
  script: string,
): { command: string; script?: string } {
  const args = process.argv.slice(2).join(" ");
  if (process.env.npm_lifecycle_event === script) {
    return {
      command: `npm run ${script}${args ? " -- " + args : ""}`,
      script: process.env.npm_lifecycle_script,
    };
  }
  return { command: `node ${relative(root, fileURLToPath(moduleUrl))}${args ? " " + args : ""}` };
}

/** The report lines naming the command and the load average around the run. */
export function commandAndLoadLines(
  command: { command: string; script?: string },
  loadBefore: readonly number[],
  loadAfter: readonly number[],
): string[] {
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(", ");
  return [
    `- Command: \`${command.command}\`${command.script ? ` (runs \`${command.script}\`)` : ""}`,
    `- Load average before the run: ${load(loadBefore)}; after: ${load(loadAfter)}`,
  ];
}
