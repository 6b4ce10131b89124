"""Retrieval metrics as the issue defines them for `earshot eval` (kept in step with packages/model's eval).

Text-to-audio: every distinct text (case-insensitive, trimmed) is a query over all clips; its relevant clips are
those holding that text. A query's rank is the position of its best-scoring relevant clip, ties averaged as
1 + #non-relevant above + #non-relevant tied / (#relevant tied + 1). Audio-to-text: every clip is a query over all
distinct texts, relevant = the clip's own texts. R@K in percent, median/mean rank, mAP@10 as a fraction (0..1,
order by score, ties by index), exactly as packages/model/src/metrics.ts.
"""

from math import comb

import numpy as np


def _ranks(scores: np.ndarray, relevant: np.ndarray) -> tuple[float, float]:
    """-> (tie-averaged rank of the first relevant candidate, AP@10)."""
    best = scores[relevant].max()
    above = float(np.sum(scores[~relevant] > best))
    tied_other = float(np.sum(scores[~relevant] == best))
    tied_rel = float(np.sum(scores[relevant] == best))
    rank = 1 + above + tied_other / (tied_rel + 1)
    order = np.argsort(-scores, kind="stable")[:10]
    hits, ap = 0, 0.0
    for k, idx in enumerate(order, start=1):
        if relevant[idx]:
            hits += 1
            ap += hits / k
    return rank, ap / min(int(relevant.sum()), 10)


def summarise(ranks: list[float], aps: list[float]) -> dict:
    r = np.array(ranks)
    return {
        "R1": float(np.mean(r <= 1) * 100), "R5": float(np.mean(r <= 5) * 100),
        "R10": float(np.mean(r <= 10) * 100), "R50": float(np.mean(r <= 50) * 100),
        "MdR": float(np.median(r)), "MnR": float(np.mean(r)), "mAP10": float(np.mean(aps)),
    }


def retrieval_metrics(sim: np.ndarray, rel: np.ndarray) -> dict:
    """sim [queries, clips] text-to-audio scores; rel [queries, clips] bool."""
    t2a = [_ranks(sim[q], rel[q]) for q in range(sim.shape[0])]
    a2t = [_ranks(sim[:, c], rel[:, c]) for c in range(sim.shape[1])]
    out = {"t2a": summarise([x[0] for x in t2a], [x[1] for x in t2a]),
           "a2t": summarise([x[0] for x in a2t], [x[1] for x in a2t]), "random": {"t2a": random_t2a(rel)}}
    out["t2a"]["geomR1R5R10"] = float(np.cbrt(max(out["t2a"]["R1"], 1e-9) * out["t2a"]["R5"] * out["t2a"]["R10"]))
    return out


def random_t2a(rel: np.ndarray) -> dict:
    """Expected t2a R@1, R@10 and mAP@10 of a random ranking, exactly, for this relevance matrix."""
    n = rel.shape[1]
    r1, r10, ap = [], [], []
    for q in range(rel.shape[0]):
        r = int(rel[q].sum())
        r1.append(1 - comb(n - r, 1) / comb(n, 1))
        r10.append(1 - comb(n - r, min(10, n)) / comb(n, min(10, n)))
        # E[AP@10] = sum_k P(item k relevant) * E[precision@k | item k relevant] / min(r, 10)
        e = sum((r / n) * (1 + (k - 1) * (r - 1) / max(n - 1, 1)) / k for k in range(1, min(10, n) + 1))
        ap.append(e / min(r, 10))
    return {"R1": float(np.mean(r1) * 100), "R10": float(np.mean(r10) * 100), "mAP10": float(np.mean(ap))}
