import { describe, expect, it } from "vitest";
import { clipSegments } from "../src/audio.ts";
import { padToOneFrame, windowFrames } from "../src/experts.ts";

describe("windowFrames", () => {
  const seq = { frames: 1000, hopS: 0.01 };
  it("takes the frames whose start falls inside the window, rounding float noise away", () => {
    expect(windowFrames(seq, 0, 10, 0)).toEqual({ start: 0, count: 1000 });
    expect(windowFrames(seq, 5, 10, 0)).toEqual({ start: 500, count: 500 });
    expect(windowFrames(seq, 0.1 * 3, 0.1 * 7, 0)).toEqual({ start: 30, count: 40 });
  });
  it("caps at maxFrames and at the sequence end", () => {
    expect(windowFrames(seq, 0, 10, 300)).toEqual({ start: 0, count: 300 });
    expect(windowFrames(seq, 9, 12, 0)).toEqual({ start: 900, count: 100 });
  });
  it("gives at least one frame when the sequence has any, none when it is empty", () => {
    expect(windowFrames(seq, 3.001, 3.002, 0)).toEqual({ start: 300, count: 1 });
    expect(windowFrames(seq, 20, 30, 0)).toEqual({ start: 999, count: 1 });
    expect(windowFrames({ frames: 0, hopS: 0.01 }, 0, 1, 0)).toEqual({ start: 0, count: 0 });
  });
});

describe("clipSegments and padding", () => {
  it("covers short clips with one segment and long ones with overlapping windows", () => {
    expect(clipSegments(3, { windowS: 10, hopS: 5 })).toEqual([{ startS: 0, endS: 3 }]);
    expect(clipSegments(0, { windowS: 10, hopS: 5 })).toEqual([{ startS: 0, endS: 0 }]);
    expect(clipSegments(22, { windowS: 10, hopS: 5 })).toEqual([
      { startS: 0, endS: 10 },
      { startS: 5, endS: 15 },
      { startS: 10, endS: 20 },
      { startS: 12, endS: 22 },
    ]);
  });
  it("pads clips shorter than one 25 ms frame with silence", () => {
    const p = padToOneFrame(Float32Array.of(0.5, -0.5));
    expect(p).toHaveLength(400);
    expect([p[0], p[1], p[2], p[399]]).toEqual([0.5, -0.5, 0, 0]);
    const long = new Float32Array(500);
    expect(padToOneFrame(long)).toBe(long);
  });
});
