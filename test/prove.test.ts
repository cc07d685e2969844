import { describe, expect, it } from "vitest";
import { recordingLogger } from "../src/prove/curve.js";

describe("the logger handed to snarkjs", () => {
  it("has every method snarkjs calls, log included (used from 2^16 on), and keeps problems", () => {
    const seen: string[] = [];
    const { logger, errors } = recordingLogger((m) => seen.push(m));
    logger.log("tauG1: 100000");
    logger.info("phase", 2);
    logger.debug("ignored");
    logger.warn("careful");
    logger.error("broken");
    expect(seen).toEqual(["tauG1: 100000", "phase 2"]);
    expect(errors).toEqual(["careful", "broken"]);
  });
});
