/**
 * snarkjs and ffjavascript keep one BN254 curve per process, with worker threads that outlive
 * every call and keep Node from exiting. Every entry point of this stage ends with this.
 */
export async function releaseCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) await g.curve_bn128.terminate();
}

/** A snarkjs logger that keeps what it is told, so that failures can be explained. */
export function recordingLogger(onInfo?: (message: string) => void) {
  const errors: string[] = [];
  const log = (...a: unknown[]) => a.map(String).join(" ");
  return {
    errors,
    logger: {
      info: (...a: unknown[]) => onInfo?.(log(...a)),
      // snarkjs calls log() too, for progress on large powers.
      log: (...a: unknown[]) => onInfo?.(log(...a)),
      debug: (..._a: unknown[]) => {},
      warn: (...a: unknown[]) => errors.push(log(...a)),
      error: (...a: unknown[]) => errors.push(log(...a)),
    },
  };
}
