// The parts of snarkjs 0.7.6 that bmc uses (the package ships no types).
declare module "snarkjs" {
  type Logger = {
    info(...a: unknown[]): void;
    warn(...a: unknown[]): void;
    error(...a: unknown[]): void;
    debug(...a: unknown[]): void;
  };
  export const powersOfTau: {
    newAccumulator(
      curve: unknown,
      power: number,
      fileName: string,
      logger?: Logger,
    ): Promise<unknown>;
    contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: Logger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(
      zkey: string,
      templates: Record<string, string>,
      logger?: Logger,
    ): Promise<string>;
  };
  export const groth16: {
    prove(
      zkey: string,
      wtns: string,
      logger?: Logger,
    ): Promise<{ proof: Record<string, unknown>; publicSignals: string[] }>;
    verify(
      vkey: Record<string, unknown>,
      publicSignals: string[],
      proof: Record<string, unknown>,
      logger?: Logger,
    ): Promise<boolean>;
  };
  export const curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
}
