// Pure helpers of the UI: the search state in the URL, the waveform envelope, the metrics table.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "../lib/csp.ts";
import { appendForwardedFor } from "../lib/forwarded.ts";
import { metricRows } from "../lib/metrics.ts";
import { envelope } from "../lib/peaks.ts";
import { parseSearch, serializeSearch, toFilter } from "../lib/search-params.ts";

describe("search state in the URL", () => {
  it("round-trips every filter and leaves defaults out", () => {
    const url =
      "?q=rain+on+a+roof&mode=content&collection=c1&minDur=1.5&maxDur=30&category=Weather,Ambience&tags=rain&licence=CC0&from=2026-01-01&to=2026-02-01";
    const state = parseSearch(new URLSearchParams(url));
    expect(state).toMatchObject({
      q: "rain on a roof",
      mode: "CONTENT",
      categories: ["Weather", "Ambience"],
      tags: ["rain"],
    });
    expect(parseSearch(new URLSearchParams(serializeSearch(state)))).toEqual(state);
    expect(serializeSearch(parseSearch(new URLSearchParams("?q=x&mode=hybrid")))).toBe("?q=x");
  });

  it("turns it into the API's AudioFilter, whole UTC days, ignoring junk", () => {
    const state = parseSearch(
      new URLSearchParams("?q=x&minDur=abc&maxDur=10&from=2026-01-01&to=2026-01-31&mode=nonsense"),
    );
    expect(state.mode).toBe("HYBRID");
    expect(toFilter(state)).toEqual({
      maxDurationS: 10,
      uploadedAfter: "2026-01-01T00:00:00.000Z",
      uploadedBefore: "2026-01-31T23:59:59.999Z",
    });
    expect(toFilter(parseSearch(new URLSearchParams("?q=x")))).toBeUndefined();
  });
});

describe("waveform envelope", () => {
  it("merges channels and frames into columns, scaled to full height", () => {
    // Two channels, four frames: [min, max] per channel per frame.
    const json = {
      channels: 2,
      sample_rate: 16000,
      samples_per_pixel: 256,
      bits: 8,
      length: 4,
      data: [-10, 10, -20, 5, -5, 40, 0, 0, -64, 32, -1, 1, 0, 8, -8, 0],
    };
    const env = envelope(json, 2);
    expect(Array.from(env.min)).toEqual([-20 / 64, -1]);
    expect(Array.from(env.max)).toEqual([40 / 64, 32 / 64]);
  });

  it("copes with more columns than frames and with silence", () => {
    const env = envelope({ sample_rate: 16000, samples_per_pixel: 256, bits: 8, length: 1, data: [-3, 3] }, 4);
    expect(Array.from(env.max)).toEqual([1, 1, 1, 1]);
    const silent = envelope({ sample_rate: 16000, samples_per_pixel: 256, bits: 8, length: 2, data: [0, 0, 0, 0] }, 2);
    expect(Array.from(silent.max)).toEqual([0, 0]);
  });
});

describe("metrics table", () => {
  it("makes one row per direction, in the paper's column order, dataset facts as a note", () => {
    const { rows, columns, notes } = metricRows({
      "modsounds-dev": {
        clips: 199,
        queries: 99,
        t2a: { MdR: 90, R10: 6.1, R1: 2.0, R5: 3.0 },
        a2t: { R1: 2.0 },
        random: { t2a: { R1: 1.0 } },
      },
    });
    expect(rows.map((r) => r.label)).toEqual(["text → audio", "audio → text", "random · text → audio"]);
    expect(columns).toEqual(["R1", "R5", "R10", "MdR"]);
    expect(notes["modsounds-dev"]).toBe("199 clips, 99 queries");
    expect(metricRows(null).rows).toEqual([]);
  });
});

describe("contentSecurityPolicy (issue #18)", () => {
  it("allows scripts only by this response's nonce, never inline or eval in production, and no framing", () => {
    const csp = contentSecurityPolicy("abc123==");
    const script = /(?:^|; )script-src ([^;]*)/.exec(csp)?.[1] ?? "";
    expect(script.split(" ")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(contentSecurityPolicy("n", { dev: true })).toContain("'unsafe-eval'");
  });
});

describe("X-Forwarded-For through the web server", () => {
  it("appends the connecting peer after whatever the client claimed", () => {
    expect(appendForwardedFor(undefined, "203.0.113.7")).toBe("203.0.113.7");
    expect(appendForwardedFor("10.9.9.9", "203.0.113.7")).toBe("10.9.9.9, 203.0.113.7");
    expect(appendForwardedFor(["1.1.1.1, 2.2.2.2", "3.3.3.3"], "::ffff:203.0.113.7")).toBe(
      "1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7",
    );
    expect(appendForwardedFor("", "::1")).toBe("::1");
  });
});
