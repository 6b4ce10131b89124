// Retrieval metrics of the eval CLI, as pure functions over a score matrix and relevance lists.
//
// Ranking of one query over candidates (clips for text->audio, distinct texts for audio->text):
// - rank = 1-based position of the FIRST relevant candidate (the best-scoring one). Ties are averaged: when the best
//   relevant score is shared by r relevant and n non-relevant candidates, the rank is the expected position under a
//   random order of the tied group, 1 + (#non-relevant strictly above) + n / (r + 1).
// - R@k = percent of queries with rank <= k; MdR / MnR = median / mean rank.
// - mAP@10 = mean over queries of AP@10 = (1 / min(10, |relevant|)) * sum_{i<=10} P@i * rel_i, using all relevant
//   candidates; the order is by score, ties broken by candidate index (stable, deterministic).

export interface RetrievalMetrics {
  R1: number;
  R5: number;
  R10: number;
  R50: number;
  MdR: number;
  MnR: number;
  mAP10: number;
}

/** Tie-averaged rank of the first relevant candidate. `relevant` must be non-empty. */
export function firstRelevantRank(scores: ArrayLike<number>, relevant: ReadonlySet<number>): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const i of relevant) best = Math.max(best, scores[i]!);
  let above = 0;
  let tiedOther = 0;
  let tiedRelevant = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (relevant.has(i)) {
      if (s === best) tiedRelevant++;
    } else if (s > best) above++;
    else if (s === best) tiedOther++;
  }
  return 1 + above + tiedOther / (tiedRelevant + 1);
}

/** AP@k over all relevant candidates, order by score descending, ties by index. */
export function averagePrecisionAt(scores: ArrayLike<number>, relevant: ReadonlySet<number>, k = 10): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let hits = 0;
  let sum = 0;
  for (let pos = 0; pos < Math.min(k, order.length); pos++) {
    if (relevant.has(order[pos]!)) {
      hits++;
      sum += hits / (pos + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Metrics for queries given as score rows (scores[q][candidate]) and relevant candidate sets. Queries without a
 * relevant candidate must be filtered out by the caller.
 */
export function retrievalMetrics(scores: ArrayLike<number>[], relevant: ReadonlySet<number>[]): RetrievalMetrics {
  if (scores.length === 0 || scores.length !== relevant.length) throw new RangeError("need one relevant set per query");
  const ranks = scores.map((row, q) => firstRelevantRank(row, relevant[q]!));
  const ap = scores.map((row, q) => averagePrecisionAt(row, relevant[q]!, 10));
  const recall = (k: number) => (100 * ranks.filter((r) => r <= k).length) / ranks.length;
  return {
    R1: recall(1),
    R5: recall(5),
    R10: recall(10),
    R50: recall(50),
    MdR: median(ranks),
    MnR: ranks.reduce((a, b) => a + b, 0) / ranks.length,
    mAP10: ap.reduce((a, b) => a + b, 0) / ap.length,
  };
}

/** P(first relevant rank <= k) under a uniformly random order of n candidates, r of them relevant. */
export function randomRecallAt(n: number, r: number, k: number): number {
  // 1 - C(n-r, k) / C(n, k), the product form avoids huge binomials.
  let none = 1;
  for (let j = 0; j < Math.min(k, n); j++) none *= Math.max(0, n - r - j) / (n - j);
  return 1 - none;
}

/** E[AP@k] under a uniformly random order: E[rel_i * P@i] = (r/n + (i-1) r(r-1) / (n(n-1))) / i. */
export function randomAveragePrecisionAt(n: number, r: number, k: number): number {
  let sum = 0;
  const pairs = n > 1 ? (r * (r - 1)) / (n * (n - 1)) : 0;
  for (let i = 1; i <= Math.min(k, n); i++) sum += (r / n + (i - 1) * pairs) / i;
  return sum / Math.min(k, r);
}

/** Exact expected R@1, R@10 (percent) and mAP@10 of a random ranking, for n candidates and each query's |relevant|. */
export function randomBaseline(n: number, relevantCounts: number[]): { R1: number; R10: number; mAP10: number } {
  const mean = (f: (r: number) => number) => relevantCounts.reduce((a, r) => a + f(r), 0) / relevantCounts.length;
  return {
    R1: 100 * mean((r) => randomRecallAt(n, r, 1)),
    R10: 100 * mean((r) => randomRecallAt(n, r, 10)),
    mAP10: mean((r) => randomAveragePrecisionAt(n, r, 10)),
  };
}

export interface EvalReport {
  clips: number;
  queries: number;
  t2a: RetrievalMetrics;
  a2t: RetrievalMetrics;
  random: { t2a: { R1: number; R10: number; mAP10: number } };
}

/**
 * Both directions from one query x clip score matrix. relevantClips[q] = clips holding query text q (non-empty);
 * a2t ranks, for every clip with at least one text, the distinct texts by score, its own texts being relevant.
 */
export function evaluateRetrieval(scores: Float32Array[], relevantClips: number[][], clipCount: number): EvalReport {
  const t2aRel = relevantClips.map((c) => new Set(c));
  const clipTexts: number[][] = Array.from({ length: clipCount }, () => []);
  relevantClips.forEach((cs, q) => {
    for (const c of cs) clipTexts[c]!.push(q);
  });
  const a2tClips = clipTexts.flatMap((qs, c) => (qs.length ? [c] : []));
  const columns = a2tClips.map((c) => Float32Array.from(scores, (row) => row[c]!));
  return {
    clips: clipCount,
    queries: scores.length,
    t2a: retrievalMetrics(scores, t2aRel),
    a2t: retrievalMetrics(
      columns,
      a2tClips.map((c) => new Set(clipTexts[c])),
    ),
    random: {
      t2a: randomBaseline(
        clipCount,
        relevantClips.map((c) => c.length),
      ),
    },
  };
}
