/**
 * Keeps messages readable whatever the input: a 100,000-digit value (or any run of characters
 * without a space) is shown by its ends and its length, not echoed in full.
 */
import type { Diagnostic } from "../diagnostics/index.js";

/** Runs longer than this are shortened. */
export const LONG_RUN = 90;

export function shortenText(text: string): string {
  return text.replace(new RegExp(`[^\\s\`'"(),;:]{${LONG_RUN + 1},}`, "g"), (run) => {
    const kind = /^\d+$/.test(run) ? "digits" : "characters";
    return `${run.slice(0, 20)}...${run.slice(-8)} (${run.length.toLocaleString("en-US")} ${kind})`;
  });
}

export function shortenValues(d: Diagnostic): Diagnostic {
  const message = shortenText(d.message);
  const help = d.help === undefined ? undefined : shortenText(d.help);
  return message === d.message && help === d.help ? d : { ...d, message, help };
}

/** "1 slot", "2 slots". */
export function plural(n: number, noun: string, nouns = noun + "s"): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? noun : nouns}`;
}
