// `earshot features`: the training feature cache (format: packages/model/README.md).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  type CacheExpert,
  DEFAULT_CACHE_EXPERTS,
  expertSchema,
  type FeatureClip,
  loadOnnxFrontends,
  PRETRAINED_CACHE_EXPERTS,
  readManifest,
  writeFeatureCache,
} from "@earshot/model";
import type { Command } from "commander";
import { CliError, exitWithError, printJson } from "../output.ts";

interface Options {
  list: string;
  out: string;
  experts?: string;
  model?: string;
  concurrency: string;
  json?: boolean;
}

export function register(program: Command) {
  program
    .command("features")
    .description("Write every expert's input features for a list of audio files (the training cache)")
    .requiredOption("--list <file>", 'audio paths, one per line, or JSON lines {"id","path"}; relative to the list')
    .requiredOption("--out <dir>", "output directory (<expert>.f32 + index.json)")
    .option(
      "--experts <names|file.json>",
      "comma-separated expert names (logmel, spectral; yamnet, mn04 need models/pretrained), or a JSON file of manifest expert entries",
    )
    .option("--model <dir>", "take the experts from this model bundle")
    .option("--concurrency <n>", "decoders running ahead", "2")
    .option("--json", "print the summary as JSON")
    .action(async (opts: Options) => {
      try {
        const clips = readList(opts.list);
        const { experts, baseDir } = await chooseExperts(opts);
        const onnx = await loadOnnxFrontends({ experts }, baseDir);
        const r = await writeFeatureCache({
          clips,
          experts,
          outDir: path.resolve(opts.out),
          concurrency: Number(opts.concurrency) || 2,
          onnx,
          onProgress: (done, total) => {
            if (done % 500 === 0) process.stderr.write(`features: ${done}/${total}\n`);
          },
        });
        const summary = {
          clips: r.clips,
          failed: r.failed.length,
          audioS: Math.round(r.audioS * 10) / 10,
          seconds: Math.round(r.seconds * 10) / 10,
          xRealTime: Math.round(r.audioS / r.seconds),
          frames: r.frames,
          out: path.resolve(opts.out),
        };
        if (opts.json) printJson({ ...summary, failures: r.failed });
        else {
          process.stdout.write(
            `features: ${r.clips} clips (${summary.audioS} s of audio) in ${summary.seconds} s -> ${summary.out}\n`,
          );
          for (const f of r.failed) process.stdout.write(`  failed ${f.file}: ${f.code} ${f.message}\n`);
        }
      } catch (err) {
        exitWithError(err, Boolean(opts.json));
      }
    });
}

/** Plain lines (id = the path) or JSON lines {"id","path"}; `#` lines and blank lines are skipped. */
export function readList(file: string): FeatureClip[] {
  if (!existsSync(file)) throw new CliError("LIST_NOT_FOUND", `no such list file: ${file}`);
  const dir = path.dirname(path.resolve(file));
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  if (!lines.length) throw new CliError("EMPTY_LIST", `${file} lists no audio files`);
  return lines.map((line, i) => {
    let id = line;
    let rel = line;
    if (line.startsWith("{")) {
      let o: { id?: unknown; path?: unknown };
      try {
        o = JSON.parse(line);
      } catch {
        throw new CliError("LIST_INVALID", `${file} line ${i + 1}: not valid JSON`);
      }
      if (typeof o.path !== "string" || !o.path) {
        throw new CliError("LIST_INVALID", `${file} line ${i + 1}: needs a "path" string`);
      }
      rel = o.path;
      id = typeof o.id === "string" || typeof o.id === "number" ? String(o.id) : o.path;
    }
    return { id, file: rel, path: path.resolve(dir, rel) };
  });
}

async function chooseExperts(opts: Options): Promise<{ experts: CacheExpert[]; baseDir: string }> {
  let available = DEFAULT_CACHE_EXPERTS;
  let baseDir = process.cwd();
  if (opts.model) {
    baseDir = path.resolve(opts.model);
    available = (await readManifest(baseDir)).experts;
  }
  if (!opts.experts) return { experts: available, baseDir };
  // The pretrained networks are named on demand only: the default cache must not need models/pretrained.
  if (!opts.model) available = [...available, ...PRETRAINED_CACHE_EXPERTS];
  if (opts.experts.endsWith(".json")) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(opts.experts, "utf8"));
    } catch (err) {
      throw new CliError("EXPERTS_INVALID", `cannot read ${opts.experts}: ${(err as Error).message}`);
    }
    const parsed = expertSchema
      .partial({ inputDim: true, hopS: true, maxFrames: true, embedDim: true })
      .array()
      .min(1)
      .safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new CliError("EXPERTS_INVALID", `${opts.experts}: ${problems}`);
    }
    const experts = parsed.data.map((e) => ({ ...e, inputDim: e.inputDim ?? 0, hopS: e.hopS ?? 0 }));
    return { experts, baseDir: opts.model ? baseDir : path.dirname(path.resolve(opts.experts)) };
  }
  const names = opts.experts
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const experts = names.map((n) => {
    const e = available.find((x) => x.name === n);
    if (!e) {
      throw new CliError(
        "UNKNOWN_EXPERT",
        `unknown expert ${n} (available: ${available.map((x) => x.name).join(", ")})`,
      );
    }
    return e;
  });
  return { experts, baseDir };
}
