import { describe, expect, it } from "vitest";
import { computePeakLevels, computePeaks } from "../src/index.ts";

const pcm = Float32Array.from({ length: 16000 * 2 + 100 }, (_, i) => (i < 16000 ? 0.5 : 1) * Math.sin(i * 0.05));

describe("computePeaks (audiowaveform JSON v2 for peaks.js)", () => {
  it("writes min/max pairs as 8-bit values with the header peaks.js reads", () => {
    const w = computePeaks(pcm, 16000, { samplesPerPixel: 256 });
    expect(w).toMatchObject({ version: 2, channels: 1, sample_rate: 16000, samples_per_pixel: 256, bits: 8 });
    expect(w.length).toBe(Math.ceil(pcm.length / 256));
    expect(w.data).toHaveLength(w.length * 2);
    expect(w.data.every((v) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);
    expect(w.data.slice(0, 2)).toEqual([-63, 63]); // first second at half scale
    expect(w.data.slice(-4, -2)).toEqual([-127, 127]); // then full scale
  });

  it("derives coarser zoom levels that equal a direct computation", () => {
    const levels = computePeakLevels(pcm, 16000);
    expect(levels.map((l) => l.samples_per_pixel)).toEqual([256, 1024, 4096]);
    for (const level of levels) {
      expect(level).toEqual(computePeaks(pcm, 16000, { samplesPerPixel: level.samples_per_pixel }));
    }
    expect(JSON.parse(JSON.stringify(levels[2]))).toEqual(levels[2]);
  });

  it("handles empty input and rejects a bad zoom", () => {
    expect(computePeaks(new Float32Array(0), 16000)).toMatchObject({ length: 0, data: [] });
    expect(() => computePeaks(pcm, 16000, { samplesPerPixel: 0 })).toThrow(RangeError);
  });
});
