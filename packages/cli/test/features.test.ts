// `earshot features`: the training cache, run as model-train runs it, checked against the frontends called directly.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { decodeAudio, logMelVggish, spectralDescriptors } from "@earshot/audio";
import { repoRoot } from "@earshot/config";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readList } from "../src/commands/features.ts";
import { runEarshot } from "./cli.ts";

const run = promisify(execFile);
const audio = path.join(repoRoot, "../shared/data/modsounds-dev/audio");
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "earshot-features-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it("reads plain and JSON-lines lists relative to the list's folder", () => {
  const f = path.join(tmp, "mixed.txt");
  writeFileSync(f, '# comment\n\na.ogg\n{"id":"x","path":"sub/b.ogg"}\n');
  expect(readList(f)).toEqual([
    { id: "a.ogg", file: "a.ogg", path: path.join(tmp, "a.ogg") },
    { id: "x", file: "sub/b.ogg", path: path.join(tmp, "sub/b.ogg") },
  ]);
  writeFileSync(f, "{broken\n");
  expect(() => readList(f)).toThrow(/line 1: not valid JSON/);
});

it("writes every expert's frames in list order, the same as the frontends give, and records failures", async () => {
  writeFileSync(path.join(tmp, "broken.ogg"), "not audio");
  const list = path.join(tmp, "clips.jsonl");
  writeFileSync(
    list,
    [
      { id: "bee", path: `${audio}/bee.ogg` },
      { id: "bad", path: "broken.ogg" },
      { id: "horn", path: `${audio}/bicycle_horn.ogg` },
    ]
      .map((o) => JSON.stringify(o))
      .join("\n"),
  );
  const out = path.join(tmp, "cache");
  const r = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(repoRoot, "packages/cli/src/main.ts"),
      "features",
      "--list",
      list,
      "--out",
      out,
      "--json",
    ],
    { cwd: repoRoot },
  );
  expect(JSON.parse(r.stdout)).toMatchObject({ clips: 2, failed: 1 });
  const index = JSON.parse(readFileSync(path.join(out, "index.json"), "utf8"));
  expect(index.format).toBe("earshot-features/1");
  expect(index.experts.logmel).toEqual({ frontend: "vggish_logmel", dims: 64, hopS: 0.01, file: "logmel.f32" });
  expect(index.clips.map((c: { id: string }) => c.id)).toEqual(["bee", "horn"]);
  expect(index.failed).toEqual([{ id: "bad", file: "broken.ogg", code: "NOT_AUDIO", message: expect.any(String) }]);

  const horn = index.clips[1];
  const pcm = await decodeAudio(`${audio}/bicycle_horn.ogg`);
  expect(horn.durationS).toBe(pcm.length / 16000);
  for (const [name, expected] of [
    ["logmel", logMelVggish(pcm).data],
    ["spectral", spectralDescriptors(pcm).data],
  ] as const) {
    const dims = index.experts[name].dims;
    const [start, frames] = horn[name];
    expect(start).toBe(index.clips[0][name][1]);
    const buf = readFileSync(path.join(out, `${name}.f32`));
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    expect(all.length).toBe((start + frames) * dims);
    expect(all.slice(start * dims)).toEqual(expected);
  }
});

it("computes the pretrained experts only when named, and says how to get them when models/pretrained is absent", async () => {
  const list = path.join(tmp, "one.txt");
  writeFileSync(list, `${audio}/bee.ogg\n`);
  const missing = await runEarshot(
    { EARSHOT_PRETRAINED_MODELS: path.join(tmp, "no-pretrained") },
    "features",
    "--list",
    list,
    "--experts",
    "logmel,yamnet",
    "--out",
    path.join(tmp, "none"),
    "--json",
  );
  expect(missing.code).toBe(1);
  expect(JSON.parse(missing.stdout).error).toMatchObject({
    code: "PRETRAINED_MISSING",
    message: expect.stringMatching(/expert yamnet needs the pretrained network yamnet.*scripts\/setup\.sh/),
  });
  if (!existsSync(path.join(repoRoot, "models/pretrained/manifest.json"))) return;
  const out = path.join(tmp, "pretrained");
  const r = await runEarshot({}, "features", "--list", list, "--experts", "yamnet,mn04", "--out", out, "--json");
  expect(r.code).toBe(0);
  const index = JSON.parse(readFileSync(path.join(out, "index.json"), "utf8"));
  expect(index.experts.yamnet).toEqual({ frontend: "yamnet_embedding", dims: 1024, hopS: 0.48, file: "yamnet.f32" });
  expect(index.experts.mn04).toEqual({ frontend: "mn04_embedding", dims: 384, hopS: 0.5, file: "mn04.f32" });
});
