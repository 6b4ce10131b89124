// `earshot eval`: CSV checks as a function (fast), and the whole command as a user runs it (one process each).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "@earshot/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvalSet } from "../src/commands/eval.ts";

const run = promisify(execFile);
const audioRoot = path.join(repoRoot, "../shared/data/modsounds-dev");
let tmp: string;
let bundle: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "earshot-eval-"));
  bundle = path.join(tmp, "bundle");
  await run("/usr/bin/python3", [path.join(repoRoot, "packages/model/test/fixtures/make_tiny_bundle.py"), bundle]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
}

async function earshot(args: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const r = await run(process.execPath, ["--import", "tsx", path.join(repoRoot, "packages/cli/src/main.ts"), ...args], {
    cwd: repoRoot,
  }).then(
    (o) => ({ code: 0, stdout: o.stdout, stderr: o.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  try {
    return { code: r.code, json: JSON.parse(r.stdout) };
  } catch {
    throw new Error(`exit ${r.code}, stdout ${JSON.stringify(r.stdout)}, stderr ${r.stderr}`);
  }
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return "no error";
};

describe("readEvalSet", () => {
  it("groups rows by case-insensitive, trimmed text across label and caption columns", () => {
    const f = csv(
      "set.csv",
      "file,label,caption_1,caption_2,author\n" +
        "audio/bat_01.ogg,Bat,a bat squeaks,,x\n" +
        "audio/bat_02.ogg, bat ,,A BAT SQUEAKS,y\n" +
        'audio/bee.ogg,bee,"a bee buzzes, close",,z\n',
    );
    const set = readEvalSet(f, audioRoot);
    expect(set.clips.map((c) => c.file)).toEqual(["audio/bat_01.ogg", "audio/bat_02.ogg", "audio/bee.ogg"]);
    expect(set.queries).toEqual([
      { text: "Bat", clips: [0, 1] },
      { text: "a bat squeaks", clips: [0, 1] },
      { text: "bee", clips: [2] },
      { text: "a bee buzzes, close", clips: [2] },
    ]);
    // Only the file column and text columns are read: author never becomes a query.
    expect(set.queries.some((q) => q.text === "x")).toBe(false);
  });

  it("rejects bad inputs with specific codes", () => {
    expect(codeOf(() => readEvalSet(path.join(tmp, "nope.csv")))).toBe("MANIFEST_NOT_FOUND");
    expect(codeOf(() => readEvalSet(csv("empty.csv", "")))).toBe("EMPTY_MANIFEST");
    expect(codeOf(() => readEvalSet(csv("header.csv", "file,label\n")))).toBe("EMPTY_MANIFEST");
    expect(codeOf(() => readEvalSet(csv("nofile.csv", "path,label\na.ogg,x\n")))).toBe("NO_FILE_COLUMN");
    expect(codeOf(() => readEvalSet(csv("notext.csv", "file,author\na.ogg,x\n")))).toBe("NO_TEXT_COLUMN");
    expect(codeOf(() => readEvalSet(csv("ragged.csv", "file,label\na.ogg,x,extra\n")))).toBe("CSV_INVALID");
    expect(codeOf(() => readEvalSet(csv("missing.csv", "file,label\naudio/nope.ogg,x\n"), audioRoot))).toBe(
      "AUDIO_NOT_FOUND",
    );
  });
});

describe("earshot eval --json", () => {
  it("prints the metrics object and reports an undecodable file without failing", async () => {
    writeFileSync(path.join(tmp, "broken.ogg"), "not audio at all");
    const f = csv(
      "run.csv",
      "file,label\n" +
        `${audioRoot}/audio/bat_01.ogg,bat\n` +
        `${audioRoot}/audio/bat_02.ogg,bat\n` +
        `${audioRoot}/audio/bee.ogg,bee\n` +
        `${audioRoot}/audio/bicycle_horn.ogg,bicycle horn\n` +
        "broken.ogg,broken\n",
    );
    const { code, json } = await earshot(["eval", "--manifest", f, "--model", bundle, "--json"]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ clips: 4, queries: 3 });
    for (const dir of ["t2a", "a2t"] as const) {
      expect(Object.keys(json[dir] as object)).toEqual(["R1", "R5", "R10", "R50", "MdR", "MnR", "mAP10"]);
    }
    // Every query finds a relevant clip within 4: R@5 is 100 whatever the model.
    expect((json.t2a as { R5: number }).R5).toBe(100);
    // bat: 2 of 4 relevant (R1 1/2), bee and bicycle horn: 1 of 4 (1/4) -> mean 1/3.
    expect((json.random as { t2a: { R1: number } }).t2a.R1).toBeCloseTo(33.3333, 3);
    expect(json.failed).toEqual([{ file: "broken.ogg", code: "NOT_AUDIO", message: expect.any(String) }]);
  });

  it("prints {error:{code,message}} and exits non-zero on bad input", async () => {
    const { code, json } = await earshot(["eval", "--manifest", path.join(tmp, "nope.csv"), "--json"]);
    expect(code).toBe(1);
    expect(json).toEqual({ error: { code: "MANIFEST_NOT_FOUND", message: expect.stringContaining("nope.csv") } });
  });
});
