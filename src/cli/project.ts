/**
 * The project file, bmc.json: which rule file, transcripts, build folder, slots and backend a
 * project uses. Commands read it when paths are left out (`bmc compile` in a project compiles
 * its rules into its build folder); `bmc test` runs its transcripts. It is looked for in the
 * current folder and the folders above it, up to the first that holds a package.json.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { CommandError } from "./types.js";

export const PROJECT_FILE = "bmc.json";

export interface Project {
  /** The folder holding bmc.json. */
  readonly root: string;
  /** Paths as the user would type them from the current folder. */
  readonly rules?: string;
  readonly build?: string;
  /** Transcript files and folders (searched for .bmt files). */
  readonly transcripts: string[];
  readonly slots?: string;
  readonly publicSlots?: string;
  readonly backend?: "groth16" | "fold";
}

/** The text of a new project's bmc.json. */
export function projectFileText(): string {
  const project = {
    rules: "rules.bm",
    transcripts: ["proof.bmt", "invalid"],
    build: "build",
    backend: "groth16",
    slots: {},
    publicSlots: {},
  };
  return JSON.stringify(project, null, 2) + "\n";
}

export function findProjectFile(from = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, PROJECT_FILE))) return join(dir, PROJECT_FILE);
    if (existsSync(join(dir, "package.json")) || dirname(dir) === dir) return undefined;
  }
}

function invalid(file: string, problem: string): never {
  throw new CommandError(`${file}: ${problem}`, "BM0912", "see `bmc help init` for its fields");
}

/** `{ "rule": 2 }` or `"rule=2"`, as --slots takes it. */
function slotText(file: string, key: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value || undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    invalid(file, `"${key}" is an object of rule names to counts`);
  const parts = Object.entries(value).map(([rule, n]) => {
    if (!Number.isInteger(n) || (n as number) < 0)
      invalid(file, `"${key}".${rule} is not a whole number`);
    return `${rule}=${n}`;
  });
  return parts.join(",") || undefined;
}

export function readProject(file: string): Project {
  const root = dirname(file);
  const where = (p: string) => relative(process.cwd(), resolve(root, p)) || ".";
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    invalid(file, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    invalid(file, "not a JSON object");
  const known = ["rules", "transcripts", "build", "slots", "publicSlots", "backend"];
  for (const key of Object.keys(data))
    if (!known.includes(key)) invalid(file, `unknown field "${key}" (fields: ${known.join(", ")})`);
  const path = (key: string) => {
    const v = data[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !v) invalid(file, `"${key}" is a path`);
    return where(v);
  };
  const transcripts = data.transcripts ?? [];
  if (!Array.isArray(transcripts) || transcripts.some((t) => typeof t !== "string"))
    invalid(file, `"transcripts" is a list of files and folders`);
  const backend = data.backend;
  if (backend !== undefined && backend !== "groth16" && backend !== "fold")
    invalid(file, `"backend" is "groth16" or "fold"`);
  return {
    root,
    rules: path("rules"),
    build: path("build"),
    transcripts: (transcripts as string[]).map(where),
    slots: slotText(file, "slots", data.slots),
    publicSlots: slotText(file, "publicSlots", data.publicSlots),
    backend,
  };
}

/** The project's transcripts: the files listed, and the .bmt files in the folders, sorted. */
export function projectTranscripts(project: Project): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".bmt")) out.push(path);
    }
  };
  for (const t of project.transcripts) {
    if (!existsSync(t))
      throw new CommandError(`cannot read ${t} (named in ${PROJECT_FILE})`, "BM0901");
    if (statSync(t).isDirectory()) walk(t);
    else out.push(t);
  }
  return out;
}
