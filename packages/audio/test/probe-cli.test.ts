import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ffmpeg, tempDir } from "./fixtures.ts";

const run = promisify(execFile);
const repo = join(import.meta.dirname, "../../..");
const tmp = tempDir("cli");
afterAll(() => tmp.cleanup());

/** Runs `pnpm --silent earshot probe ...` as a user would; returns exit code and parsed stdout. */
async function probe(...args: string[]): Promise<{ code: number; out: unknown }> {
  try {
    const { stdout } = await run("pnpm", ["--silent", "earshot", "probe", ...args], { cwd: repo });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) };
  }
}

describe("earshot probe --json", () => {
  it("prints durationS, sampleRate, channels and codec", async () => {
    const file = join(tmp.dir, "tone.mp3");
    ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=48000", "-ac", "2", file]);
    const { code, out } = await probe(file, "--json");
    expect(code).toBe(0);
    expect(Object.keys(out as object)).toEqual(["durationS", "sampleRate", "channels", "codec"]);
    expect(out).toMatchObject({ sampleRate: 48000, channels: 2, codec: "mp3" });
    expect((out as { durationS: number }).durationS).toBeCloseTo(2, 1);
  });

  it("prints a typed error and exits non-zero on bad input", async () => {
    const file = join(tmp.dir, "notes.wav");
    writeFileSync(file, "not audio at all\n".repeat(20));
    const [bad, missing] = await Promise.all([probe(file, "--json"), probe(join(tmp.dir, "missing.flac"), "--json")]);
    expect(bad.code).toBe(1);
    expect(bad.out).toEqual({ error: { code: "NOT_AUDIO", message: expect.stringMatching(/not a recognised/i) } });
    expect(missing.code).toBe(1);
    expect(missing.out).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
