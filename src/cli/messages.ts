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
    return `${run.slice(0, 20)}...${run.slice(-8)} (${groupDigits(run.length)} ${kind})`;
  });
}

export function shortenValues(d: Diagnostic): Diagnostic {
  const message = shortenText(d.message);
  const help = d.help === undefined ? undefined : shortenText(d.help);
  return message === d.message && help === d.help ? d : { ...d, message, help };
}

/**
 * 12345 -> "12,345", as `toLocaleString("en-US")` writes a whole number; without it, because
 * its first call loads ICU's locale data, some 20 ms of every command that prints a count.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  return String(n).replace(/\B(?=(\d{3})+$)/g, ",");
}

/** "1 slot", "2 slots". */
export function plural(n: number, noun: string, nouns = noun + "s"): string {
  return `${groupDigits(n)} ${n === 1 ? noun : nouns}`;
}
