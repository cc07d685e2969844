/**
 * `bmc info BUILD`: what a build folder holds (slots per rule, constraints, keys, digests).
 * `bmc execute BUILD T.bmt`: a transcript's witness computed and checked, without proving.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadManifest, segmentWitness, VKEY, ZKEY } from "../prove/index.js";
import { plural } from "./messages.js";
import { BUILD_MARKER } from "./outputs.js";
import { neededPower } from "./prove.js";
import { CommandError, EXIT, type CommandContext } from "./types.js";

function manifestOf(buildDir: string) {
  if (!existsSync(join(buildDir, "manifest.json"))) {
    throw new CommandError(
      `${buildDir} is not a build folder (no manifest.json)`,
      "BM0901",
      `run bmc compile RULES.bm -o ${buildDir}`,
    );
  }
  try {
    return loadManifest(buildDir);
  } catch (error) {
    throw new CommandError(`${buildDir}/manifest.json: ${(error as Error).message}`, "BM0901");
  }
}

export function infoCommand(c: CommandContext): number {
  const [buildDir] = c.args;
  const manifest = manifestOf(buildDir);
  const perRule = manifest.program.rules.map((r) => ({
    rule: r.name,
    private: manifest.shape.slots[r.name] ?? 0,
    public: manifest.shape.publicSlots[r.name] ?? 0,
  }));
  const info = {
    buildDir,
    rulesFile: manifest.rulesFile,
    rulesDigest: manifest.rulesDigest,
    circuitDigest: manifest.circuitDigest,
    slots: manifest.slots.length,
    slotsPerRule: perRule,
    /** Shared slots by group (named by its first rule); absent when there are none. */
    sharedSlots: manifest.shape.shared,
    publicInputs: manifest.publicInputs.length,
    uniqueSlots: manifest.uniqueSlots,
    constraints: manifest.constraints,
    foldConstraints: manifest.fold?.constraints,
    groth16Power: neededPower(buildDir),
    keys: existsSync(join(buildDir, ZKEY)) && existsSync(join(buildDir, VKEY)),
    madeByMarker: existsSync(join(buildDir, BUILD_MARKER)),
  };
  if (c.json) {
    c.printJson(info);
    return EXIT.ok;
  }
  const n = (x: number | undefined) => (x === undefined ? "?" : x.toLocaleString("en-US"));
  const withSlots = perRule.filter((r) => r.private + r.public > 0);
  const rows = withSlots.map((r) => `    ${r.rule}: ${r.private} private, ${r.public} public`);
  const without = perRule.length - withSlots.length;
  if (without) rows.push(`    (${plural(without, "rule")} without slots)`);
  for (const [group, count] of Object.entries(manifest.shape.shared ?? {}))
    rows.push(`    ${group}'s group: ${count} shared`);
  c.io.out(
    [
      `${buildDir}: compiled from ${manifest.rulesFile}`,
      `  segment: ${plural(info.slots, "slot")}, ${n(manifest.constraints?.nonLinear)} non-linear and ${n(manifest.constraints?.linear)} linear constraints`,
      `  folding circuit: ${n(manifest.fold?.constraints?.nonLinear)} non-linear and ${n(manifest.fold?.constraints?.linear)} linear constraints`,
      `  slots per rule:`,
      ...rows,
      `  ${plural(info.publicInputs, "public input")}, ${plural(info.uniqueSlots, "unique-claim slot")}`,
      `  Groth16: needs powers of tau 2^${info.groth16Power}; keys ${info.keys ? "present" : "absent (run bmc setup)"}`,
      `  rules digest ${manifest.rulesDigest.slice(0, 16)}..., circuit digest ${manifest.circuitDigest.slice(0, 16)}...`,
    ].join("\n") + "\n",
  );
  return EXIT.ok;
}

export async function executeCommand(c: CommandContext): Promise<number> {
  const [buildDir, transcriptPath] = c.args;
  manifestOf(buildDir);
  const r = await segmentWitness(buildDir, transcriptPath, { onProgress: c.progress });
  if ("diagnostics" in r) {
    if (c.json) c.printJson({ ok: false, ...c.jsonDiagnostics(r.diagnostics) });
    else c.print(r.diagnostics);
    return EXIT.invalid;
  }
  const statement = r.transcript.blockCount;
  if (c.json) c.printJson({ ok: true, wires: r.witness.length, blocks: statement });
  else if (!c.quiet)
    c.io.out(
      `executed: ${transcriptPath} in ${buildDir} (${plural(statement, "block")}, ${plural(r.witness.length, "wire")}; every constraint holds)\n`,
    );
  return EXIT.ok;
}
