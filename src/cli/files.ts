import { renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, basename, join } from "node:path";

/** Writes a file whole or not at all: to a temporary name beside it, then renamed. */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** What a failed file operation says in a message: the system's code (ENOENT), else its text. */
export function errorReason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
