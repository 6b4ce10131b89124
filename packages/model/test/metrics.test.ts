import { describe, expect, it } from "vitest";
import {
  averagePrecisionAt,
  evaluateRetrieval,
  firstRelevantRank,
  median,
  randomAveragePrecisionAt,
  randomBaseline,
  randomRecallAt,
  retrievalMetrics,
} from "../src/metrics.ts";

describe("firstRelevantRank", () => {
  it("is the 1-based rank of the best relevant candidate", () => {
    expect(firstRelevantRank([0.9, 0.5, 0.7, 0.1], new Set([2]))).toBe(2);
    expect(firstRelevantRank([0.9, 0.5, 0.7, 0.1], new Set([1, 3]))).toBe(3);
    expect(firstRelevantRank([0.9, 0.5, 0.7, 0.1], new Set([0]))).toBe(1);
  });

  it("averages ties: expected position of the first relevant inside the tied group", () => {
    // One relevant tied with two others: positions 1..3 equally likely -> 2.
    expect(firstRelevantRank([0.5, 0.5, 0.5, 0.2], new Set([0]))).toBe(2);
    // Two relevant tied with one other: first relevant at 1 (p 2/3) or 2 (p 1/3) -> 4/3.
    expect(firstRelevantRank([0.5, 0.5, 0.5, 0.2], new Set([0, 1]))).toBeCloseTo(4 / 3, 12);
    // One candidate strictly above, then a tie of one relevant and one other -> 1 + 1 + 1/2.
    expect(firstRelevantRank([0.9, 0.5, 0.5], new Set([2]))).toBe(2.5);
  });
});

describe("averagePrecisionAt", () => {
  it("uses every relevant candidate", () => {
    // Order 0, 2, 1, 3: hits at 3 and 4 -> (1/3 + 2/4) / 2.
    expect(averagePrecisionAt([0.9, 0.5, 0.7, 0.1], new Set([1, 3]))).toBeCloseTo(5 / 12, 12);
    expect(averagePrecisionAt([0.9, 0.5, 0.7, 0.1], new Set([0]))).toBe(1);
  });

  it("counts only the top k and divides by min(k, |relevant|)", () => {
    const scores = [5, 4, 3, 2, 1];
    expect(averagePrecisionAt(scores, new Set([4]), 2)).toBe(0);
    expect(averagePrecisionAt(scores, new Set([0, 1, 2]), 2)).toBe(1);
  });

  it("breaks ties by candidate index", () => {
    expect(averagePrecisionAt([1, 1, 1], new Set([2]))).toBeCloseTo(1 / 3, 12);
  });
});

describe("retrievalMetrics", () => {
  it("computes recall in percent, median and mean rank, and mAP@10", () => {
    const m = retrievalMetrics(
      [
        [0.9, 0.5, 0.7, 0.1],
        [0.9, 0.5, 0.7, 0.1],
      ],
      [new Set([0]), new Set([1, 3])],
    );
    expect(m).toMatchObject({ R1: 50, R5: 100, R10: 100, R50: 100, MdR: 2, MnR: 2 });
    expect(m.mAP10).toBeCloseTo((1 + 5 / 12) / 2, 12);
    expect(median([3, 1, 2])).toBe(2);
  });
});

describe("random baseline", () => {
  it("matches hand-computed values", () => {
    expect(randomRecallAt(4, 1, 1)).toBeCloseTo(0.25, 12);
    expect(randomRecallAt(4, 1, 10)).toBe(1);
    expect(randomRecallAt(10, 2, 3)).toBeCloseTo(1 - (8 * 7 * 6) / (10 * 9 * 8), 12);
    // n=2, r=1: AP is 1 or 1/2 with equal odds.
    expect(randomAveragePrecisionAt(2, 1, 10)).toBeCloseTo(0.75, 12);
    const b = randomBaseline(4, [1, 1]);
    expect(b.R1).toBeCloseTo(25, 10);
    expect(b.R10).toBeCloseTo(100, 10);
  });

  it("equals the average over every permutation (n=6, r=1..3, k=1..4)", () => {
    const n = 6;
    const perms: number[][] = [];
    const permute = (rest: number[], acc: number[]) => {
      if (!rest.length) perms.push(acc);
      rest.forEach((x, i) => {
        permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]);
      });
    };
    permute([0, 1, 2, 3, 4, 5], []);
    for (let r = 1; r <= 3; r++) {
      const rel = new Set(Array.from({ length: r }, (_, i) => i));
      for (let k = 1; k <= 4; k++) {
        let hit = 0;
        let ap = 0;
        for (const p of perms) {
          const scores = p.map((pos) => n - pos); // candidate i sits at position p[i]
          if (firstRelevantRank(scores, rel) <= k) hit++;
          ap += averagePrecisionAt(scores, rel, k);
        }
        expect(randomRecallAt(n, r, k)).toBeCloseTo(hit / perms.length, 12);
        expect(randomAveragePrecisionAt(n, r, k)).toBeCloseTo(ap / perms.length, 12);
      }
    }
  });
});

describe("evaluateRetrieval", () => {
  it("scores text->audio over clips and audio->text over distinct texts", () => {
    // 2 texts x 3 clips; text 0 belongs to clips 0 and 1, text 1 to clip 2.
    const scores = [Float32Array.from([0.1, 0.9, 0.5]), Float32Array.from([0.8, 0.2, 0.3])];
    const r = evaluateRetrieval(scores, [[0, 1], [2]], 3);
    expect(r.clips).toBe(3);
    expect(r.queries).toBe(2);
    // t2a: text 0 finds clip 1 first (rank 1); text 1: clips 0 (0.8) beats clip 2 (0.3) -> rank 2.
    expect(r.t2a.MnR).toBe(1.5);
    expect(r.t2a.R1).toBe(50);
    // a2t: clip 0 ranks text 1 (0.8) above its own text 0 (0.1) -> 2; clip 1 -> 1; clip 2: 0.5 vs 0.3 -> 2.
    expect(r.a2t.MnR).toBeCloseTo(5 / 3, 12);
    expect(r.a2t.R1).toBeCloseTo(100 / 3, 12);
    // Random: text 0 has 2 of 3 clips relevant (R1 2/3), text 1 has 1 (R1 1/3).
    expect(r.random.t2a.R1).toBeCloseTo(50, 10);
    expect(r.random.t2a.R10).toBeCloseTo(100, 10);
  });
});
