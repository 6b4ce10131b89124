// The pretrained AudioSet networks as converted by scripts/setup.sh (training/earshot_train/pretrained) into
// models/pretrained/: our TypeScript front ends + onnxruntime-node must pass the same published checks the
// conversion ran in PyTorch (training/earshot_train/pretrained/checks.json), and match PyTorch's outputs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeAudio,
  EFFICIENTAT_BANDS,
  EFFICIENTAT_SAMPLE_RATE,
  efficientatLogMel,
  YAMNET_BANDS,
  YAMNET_PATCH_FRAMES,
  yamnetPatches,
} from "@earshot/audio";
import { parse } from "csv-parse/sync";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../../..");
const DIR = join(ROOT, "models/pretrained");
const SPEC = JSON.parse(readFileSync(join(ROOT, "training/earshot_train/pretrained/checks.json"), "utf8")) as {
  seconds: number;
  noise_std: number;
  sine_hz: number;
  sine_amplitude: number;
  speech_text: string;
  rules: { network: Network; signal: string; classes: string[]; top: number }[];
};
type Network = "yamnet" | "mn04";

const converted = existsSync(join(DIR, "manifest.json"));
if (!converted)
  console.warn(`pretrained.test.ts skipped: ${DIR} is absent (no ../shared/models/pretrained when setup ran)`);

function hasEspeak(): boolean {
  try {
    execFileSync("espeak-ng", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function classNames(file: string): string[] {
  const rows = parse(readFileSync(join(DIR, file), "utf8"), { from_line: 2 }) as string[][];
  return rows.map((r) => r[2]!);
}

function readF32(file: string): Float32Array {
  const buf = readFileSync(join(DIR, file));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Gaussian noise from a seeded generator (mulberry32 + Box-Muller), so the test sees the same signal each run. */
function noise(n: number, std: number, seed = 7): Float32Array {
  let s = seed;
  const uniform = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Float32Array.from(
    { length: n },
    () => std * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

describe.skipIf(!converted)("pretrained experts through onnxruntime-node (models/pretrained)", () => {
  const sessions = {} as Record<Network, ort.InferenceSession>;
  const names = {} as Record<Network, string[]>;
  const signals = {} as Record<Network, Record<string, Float32Array>>;
  const work = mkdtempSync(join(tmpdir(), "earshot-pretrained-"));

  beforeAll(async () => {
    for (const net of ["yamnet", "mn04"] as const) {
      sessions[net] = await ort.InferenceSession.create(join(DIR, `${net}.onnx`), { intraOpNumThreads: 1 });
      const rate = net === "yamnet" ? 16000 : EFFICIENTAT_SAMPLE_RATE;
      const n = SPEC.seconds * rate;
      signals[net] = {
        silence: new Float32Array(n),
        "white noise": noise(n, SPEC.noise_std),
        "sine 440 Hz": Float32Array.from(
          { length: n },
          (_, i) => SPEC.sine_amplitude * Math.sin((2 * Math.PI * SPEC.sine_hz * i) / rate),
        ),
      };
    }
    names.yamnet = classNames("yamnet_class_map.csv");
    names.mn04 = classNames("audioset_class_labels_indices.csv");
    if (hasEspeak()) {
      const wav = join(work, "speech.wav");
      execFileSync("espeak-ng", ["-w", wav, SPEC.speech_text]);
      signals.yamnet.speech = await decodeAudio(wav);
      signals.mn04.speech = await decodeAudio(wav, { sampleRate: EFFICIENTAT_SAMPLE_RATE });
    } else console.warn("pretrained.test.ts: espeak-ng is not installed; the speech checks are skipped");
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function clipScores(net: Network, pcm: Float32Array): Promise<Float32Array> {
    if (net === "yamnet") {
      const p = yamnetPatches(pcm);
      const input = new ort.Tensor("float32", p.data, [p.patches, YAMNET_PATCH_FRAMES, YAMNET_BANDS]);
      const scores = (await sessions.yamnet.run({ patches: input })).scores!.data as Float32Array;
      const mean = new Float32Array(names.yamnet.length);
      for (let i = 0; i < scores.length; i++) mean[i % mean.length]! += scores[i]! / p.patches;
      return mean;
    }
    const m = efficientatLogMel(pcm);
    const input = new ort.Tensor("float32", m.data, [1, 1, EFFICIENTAT_BANDS, m.frames]);
    return (await sessions.mn04.run({ logmel: input })).scores!.data as Float32Array;
  }

  it("passes every published check that has its signal (silence, noise, sine, speech)", async () => {
    const failures: string[] = [];
    let ran = 0;
    for (const rule of SPEC.rules) {
      const pcm = signals[rule.network][rule.signal];
      if (!pcm) continue;
      ran++;
      const scores = await clipScores(rule.network, pcm);
      const top = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).map((i) => names[rule.network][i]!);
      if (!top.slice(0, rule.top).some((c) => rule.classes.includes(c)))
        failures.push(
          `${rule.network} ${rule.signal}: wanted ${rule.classes} in top ${rule.top}, got ${top.slice(0, 5)}`,
        );
    }
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThanOrEqual(hasEspeak() ? 8 : 6);
  });

  it("matches PyTorch to 1e-4 on the conversion's parity input, with a batch of 2", async () => {
    const manifest = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8")) as {
      experts: Record<Network, { parity_shapes: { input: number[] } }>;
    };
    for (const net of ["yamnet", "mn04"] as const) {
      const shape = manifest.experts[net].parity_shapes.input;
      const input = new ort.Tensor("float32", readF32(`${net}.parity.input.f32`), shape);
      const out = await sessions[net].run({ [net === "yamnet" ? "patches" : "logmel"]: input });
      for (const key of ["scores", "embeddings"] as const) {
        const ours = out[key]!.data as Float32Array;
        const theirs = readF32(`${net}.parity.${key}.f32`);
        expect(ours.length).toBe(theirs.length);
        let worst = 0;
        for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
        expect(worst, `${net} ${key}`).toBeLessThan(1e-4);
      }
      expect(out.embeddings!.dims).toEqual([2, net === "yamnet" ? 1024 : 384]);
    }
  });
});

describe("the set-up conversion (python3 -m earshot_train.pretrained.convert)", () => {
  const convert = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync("/usr/bin/python3", ["-m", "earshot_train.pretrained.convert", ...args], {
      cwd: join(ROOT, "training"),
      env: { ...process.env, ...env },
      encoding: "utf8",
    });

  it("succeeds without the source folder, saying the self-contained bundle is used", () => {
    const r = convert([], { EARSHOT_PRETRAINED_DIR: join(tmpdir(), "earshot-no-such-pretrained-dir") });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/no pretrained networks at .*: the self-contained default bundle will be used/);
  });

  it("refuses a source file whose sha256 is not the published one, writing nothing", () => {
    const src = mkdtempSync(join(tmpdir(), "earshot-pretrained-src-"));
    const out = join(src, "out");
    try {
      writeFileSync(join(src, "yamnet_public_dynint8.tflite"), "TFL3 but not YAMNet");
      const r = convert(["--src", src, "--out", out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /yamnet_public_dynint8\.tflite: sha256 [0-9a-f]{16} differs from the published 2d5e1e0577beb1fd/,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
  });

  it.skipIf(!converted)("does nothing when models/pretrained matches the sources and the converter", () => {
    const r = convert([]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`pretrained experts up to date in ${DIR}`);
  });
});
