// `earshot eval`: retrieval metrics of a model bundle on a labelled or captioned audio set (interface: issue 4).
//
// Scoring: a query is each distinct text (label / caption / caption_1..5 cells, case-insensitive, trimmed); its
// relevant clips are all rows holding it. A clip's score for a query is the best inner product over its segment
// windows (serving form, as search ranks it). text->audio ranks all clips per query, audio->text ranks all distinct
// texts per clip; rank = rank of the first (best) relevant item, ties averaged; mAP@10 over all relevant items.
// Details and the random baseline's closed form: packages/model/src/metrics.ts. Only audio reaches the model.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { decodeAudio, isAudioError } from "@earshot/audio";
import { loadModelBundle, type ModelBundle, ModelError, metrics } from "@earshot/model";
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import { CliError, exitWithError, printJson } from "../output.ts";

const TEXT_COLUMNS = /^(label|caption|caption_[1-5])$/;

interface Options {
  manifest: string;
  audioRoot?: string;
  model?: string;
  json?: boolean;
  concurrency: string;
}

export interface EvalSet {
  /** Distinct audio files (absolute paths), in CSV order. */
  clips: Array<{ file: string; path: string }>;
  /** Distinct texts (first spelling seen, trimmed) and the clip indices holding each. */
  queries: Array<{ text: string; clips: number[] }>;
}

export function register(program: Command) {
  program
    .command("eval")
    .description("Text<->audio retrieval metrics of a model bundle on a CSV of audio files and their texts")
    .requiredOption("--manifest <file.csv>", "CSV with a file column and label / caption / caption_1..5 columns")
    .option("--audio-root <dir>", "folder the file column is relative to (default: the CSV's folder)")
    .option("--model <dir>", "model bundle directory (default: models/default)")
    .option("--concurrency <n>", "audio files decoded ahead", "2")
    .option("--json", "print one JSON object")
    .action(async (opts: Options) => {
      try {
        const report = await runEval(opts);
        if (opts.json) printJson(report);
        else printHuman(report);
      } catch (err) {
        exitWithError(err instanceof ModelError ? new CliError(err.code, err.message) : err, Boolean(opts.json));
      }
    });
}

/** Reads and checks the CSV: `file` column, at least one text column, rows, and every audio file present. */
export function readEvalSet(csvFile: string, audioRoot?: string): EvalSet {
  if (!existsSync(csvFile) || !statSync(csvFile).isFile()) {
    throw new CliError("MANIFEST_NOT_FOUND", `no such manifest CSV: ${csvFile}`);
  }
  let rows: Record<string, string>[];
  let header: string[] = [];
  try {
    rows = parse(readFileSync(csvFile), {
      bom: true,
      columns: (h: string[]) => {
        header = h.map((c) => c.trim());
        return header;
      },
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (err) {
    throw new CliError("CSV_INVALID", `${csvFile}: ${(err as Error).message}`);
  }
  if (!header.length) throw new CliError("EMPTY_MANIFEST", `${csvFile} is empty`);
  if (!header.includes("file")) {
    throw new CliError("NO_FILE_COLUMN", `${csvFile} has no "file" column (columns: ${header.join(", ")})`);
  }
  const textCols = header.filter((h) => TEXT_COLUMNS.test(h));
  if (!textCols.length) {
    throw new CliError(
      "NO_TEXT_COLUMN",
      `${csvFile} has no text column: need label, caption or caption_1..caption_5 (columns: ${header.join(", ")})`,
    );
  }
  if (!rows.length) throw new CliError("EMPTY_MANIFEST", `${csvFile} has a header but no rows`);
  const root = path.resolve(audioRoot ?? path.dirname(path.resolve(csvFile)));
  const clipIndex = new Map<string, number>();
  const clips: EvalSet["clips"] = [];
  const queryIndex = new Map<string, number>();
  const queries: EvalSet["queries"] = [];
  rows.forEach((row, i) => {
    const file = (row.file ?? "").trim();
    if (!file) throw new CliError("CSV_INVALID", `${csvFile} row ${i + 2}: empty file cell`);
    let c = clipIndex.get(file);
    if (c === undefined) {
      c = clips.length;
      clipIndex.set(file, c);
      clips.push({ file, path: path.resolve(root, file) });
    }
    for (const col of textCols) {
      const text = (row[col] ?? "").trim();
      if (!text) continue;
      const key = text.toLowerCase();
      let q = queryIndex.get(key);
      if (q === undefined) {
        q = queries.length;
        queryIndex.set(key, q);
        queries.push({ text, clips: [] });
      }
      const held = queries[q]!.clips;
      if (!held.includes(c)) held.push(c);
    }
  });
  if (!queries.length) throw new CliError("EMPTY_MANIFEST", `${csvFile} has no text in ${textCols.join(", ")}`);
  const missing = clips.filter((c) => !existsSync(c.path));
  if (missing.length) {
    const shown = missing
      .slice(0, 5)
      .map((c) => c.path)
      .join(", ");
    throw new CliError(
      "AUDIO_NOT_FOUND",
      `${missing.length} audio file(s) not found under ${root}: ${shown}${missing.length > 5 ? ", ..." : ""}`,
    );
  }
  return { clips, queries };
}

async function runEval(opts: Options) {
  const set = readEvalSet(opts.manifest, opts.audioRoot);
  const bundle = await loadModelBundle(opts.model);
  try {
    const { segments, failed } = await encodeClips(bundle, set, Number(opts.concurrency) || 2);
    // Clips that failed to decode drop out; so do texts that only they held.
    const kept = set.clips.flatMap((_, i) => (segments[i] ? [i] : []));
    if (!kept.length) throw new CliError("NO_CLIPS", "no audio file could be decoded");
    const newIndex = new Map(kept.map((c, i) => [c, i]));
    const queries = set.queries
      .map((q) => ({ text: q.text, clips: q.clips.flatMap((c) => (newIndex.has(c) ? [newIndex.get(c)!] : [])) }))
      .filter((q) => q.clips.length > 0);
    const { vectors } = await bundle.encodeTexts(queries.map((q) => q.text));
    const clipSegments = kept.map((c) => segments[c]!);
    const scores = vectors.map((qv) => Float32Array.from(clipSegments, (segs) => bestScore(qv, segs)));
    const r = metrics.evaluateRetrieval(
      scores,
      queries.map((q) => q.clips),
      kept.length,
    );
    return {
      clips: r.clips,
      queries: r.queries,
      t2a: roundMetrics(r.t2a),
      a2t: roundMetrics(r.a2t),
      random: { t2a: roundMetrics(r.random.t2a) },
      model: { name: bundle.name, version: bundle.version },
      failed,
    };
  } finally {
    await bundle.close();
  }
}

/** Decodes (up to `concurrency` files ahead) and encodes every clip; decode failures are collected, not fatal. */
async function encodeClips(bundle: ModelBundle, set: EvalSet, concurrency: number) {
  const segments: Array<Float32Array[] | undefined> = [];
  const failed: Array<{ file: string; code: string; message: string }> = [];
  const decode = (p: string) =>
    decodeAudio(p).then(
      (pcm) => ({ pcm }),
      (err: unknown) => ({ err }),
    );
  const pending = set.clips.slice(0, concurrency).map((c) => decode(c.path));
  for (let i = 0; i < set.clips.length; i++) {
    const d = await pending.shift()!;
    const ahead = set.clips[i + concurrency];
    if (ahead) pending.push(decode(ahead.path));
    if ("err" in d) {
      const err = d.err as Error;
      if (!isAudioError(err)) throw err;
      failed.push({ file: set.clips[i]!.file, code: err.code, message: err.message });
      segments.push(undefined);
      continue;
    }
    segments.push((await bundle.encodeAudio(d.pcm)).map((s) => s.vector));
  }
  return { segments, failed };
}

function bestScore(q: Float32Array, segs: Float32Array[]): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const s of segs) {
    let dot = 0;
    for (let i = 0; i < q.length; i++) dot += q[i]! * s[i]!;
    if (dot > best) best = dot;
  }
  return best;
}

function roundMetrics<T extends object>(m: T): T {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round((v as number) * 1e4) / 1e4])) as T;
}

function printHuman(r: Awaited<ReturnType<typeof runEval>>) {
  const line = (name: string, m: metrics.RetrievalMetrics) =>
    `${name}  R@1 ${m.R1.toFixed(1)}  R@5 ${m.R5.toFixed(1)}  R@10 ${m.R10.toFixed(1)}  R@50 ${m.R50.toFixed(1)}  ` +
    `MdR ${m.MdR}  MnR ${m.MnR.toFixed(1)}  mAP@10 ${m.mAP10.toFixed(3)}`;
  process.stdout.write(
    [
      `model ${r.model.name} ${r.model.version}: ${r.clips} clips, ${r.queries} queries`,
      line("text->audio", r.t2a),
      line("audio->text", r.a2t),
      `random text->audio  R@1 ${r.random.t2a.R1.toFixed(1)}  R@10 ${r.random.t2a.R10.toFixed(1)}  mAP@10 ${r.random.t2a.mAP10.toFixed(3)}`,
      ...r.failed.map((f) => `failed ${f.file}: ${f.code} ${f.message}`),
      "",
    ].join("\n"),
  );
}
