"""Checks that no training clip is a copy of an evaluation clip (the same recording re-encoded, resampled, trimmed
or at another gain), which would make the modsounds-dev numbers meaningless. Free sound-effect collections share
recordings, so every package added to the corpus goes through this before its numbers count.

Two stages. (1) Candidates: log-mel frames (the cached `logmel` expert features, standardised per band) averaged
to 50 ms; the first second of each clip is slid over every clip of the other set (evaluation clips vs single,
non-mixture training clips) and the best Pearson correlations give each evaluation clip its 5 nearest training
clips. Short one-shot sounds look alike at this resolution (unrelated transients reach 0.95), so (2) decides on
the waveforms: the normalised cross-correlation of the 16 kHz signals over all lags. A copy scores near 1 (lower
after lossy re-encoding); on the current corpus the one copy found scored 0.94 and the next-closest pair 0.71
(short low-pitched thumps resemble each other at every level).
Copies (>= --threshold) go to cache/corpus/leakage.json; train.py drops them and every mixture built from them.

  /usr/bin/python3 -m earshot_train.leakage [--threshold 0.8]
"""

import argparse
import csv
import json

import numpy as np
from scipy.io import wavfile
from scipy.signal import fftconvolve

from .corpus import SR, decode
from .data import FeatureStore, load_corpus
from .paths import CACHE, EVAL_DIR

POOL = 5  # 10 ms log-mel frames per fingerprint frame
QUERY = 20  # fingerprint frames per query (1 s)
CANDIDATES = 5


def fingerprint(frames: np.ndarray) -> np.ndarray:
    n = max(1, len(frames) // POOL)
    frames = np.pad(frames, ((0, max(0, POOL - len(frames))), (0, 0)))
    return frames[: n * POOL].reshape(n, POOL, -1).mean(1)


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = x - x.mean(1, keepdims=True)
    return x / np.linalg.norm(x, axis=1, keepdims=True).clip(1e-6)


def windows(fp: np.ndarray, length: int) -> np.ndarray:
    if len(fp) < length:
        return np.zeros((0, length * fp.shape[1]), np.float32)
    idx = np.arange(len(fp) - length + 1)[:, None] + np.arange(length)[None, :]
    return fp[idx].reshape(len(idx), -1)


def candidates(eval_fp: list[np.ndarray], train_fp: list[np.ndarray]) -> np.ndarray:
    """-> [eval, train] best spectral correlation over both directions and all offsets."""
    score = np.full((len(eval_fp), len(train_fp)), -1.0, dtype=np.float32)
    for qs, ts, q_is_eval in ((eval_fp, train_fp, True), (train_fp, eval_fp, False)):
        by_length: dict[int, list[int]] = {}
        for i, fp in enumerate(qs):
            by_length.setdefault(min(QUERY, len(fp)), []).append(i)
        for q, idx in by_length.items():
            qmat = unit_rows(np.stack([qs[i][:q].reshape(-1) for i in idx]))
            for j, fp in enumerate(ts):
                w = windows(fp, q)
                if len(w):
                    s = (unit_rows(w) @ qmat.T).max(0)
                    if q_is_eval:
                        score[idx, j] = np.maximum(score[idx, j], s)
                    else:
                        score[j, idx] = np.maximum(score[j, idx], s)
    return score


def waveform_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Max over lags of the normalised cross-correlation of the shorter signal against the longer one."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    short = short - short.mean()
    norm = np.linalg.norm(short)
    if norm < 1e-6 or len(short) < SR // 20:
        return 0.0
    corr = fftconvolve(long, short[::-1], mode="valid")
    cum = np.concatenate([[0.0], np.cumsum(long.astype(np.float64) ** 2)])
    energy = cum[len(short):] - cum[: len(cum) - len(short)]
    return float(np.max(np.abs(corr) / (norm * np.sqrt(energy).clip(1e-6))))


def read_wav(path) -> np.ndarray:
    rate, pcm = wavfile.read(path)
    assert rate == SR, path
    return pcm.astype(np.float32) / 32768.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.8)
    args = ap.parse_args()
    train_store = FeatureStore(CACHE / "features", ["logmel"])
    eval_store = FeatureStore(CACHE / "eval" / "features", ["logmel"])
    singles = [r for r in load_corpus(CACHE / "corpus" / "corpus.jsonl") if r["kind"] != "mixture"]
    singles = [r for r in singles if r["id"] in train_store.clips]
    with open(EVAL_DIR / "manifest.csv", newline="") as f:
        eval_files = [r["file"] for r in csv.DictReader(f) if r["file"] in eval_store.clips]
    # Per-band standardisation: raw log-mel windows all share one spectral tilt.
    sample = np.concatenate([train_store.frames(r["id"], "logmel")[::7] for r in singles])
    mean, std = sample.mean(0), sample.std(0) + 1e-3
    train_fp = [fingerprint((train_store.frames(r["id"], "logmel") - mean) / std) for r in singles]
    eval_fp = [fingerprint((eval_store.frames(name, "logmel") - mean) / std) for name in eval_files]
    spectral = candidates(eval_fp, train_fp)

    pairs = []
    for e, name in enumerate(eval_files):
        pcm = decode(EVAL_DIR / name, max_s=None)
        for t in np.argsort(-spectral[e])[:CANDIDATES]:
            r = singles[t]
            wave = waveform_similarity(pcm, read_wav(CACHE / "corpus" / r["file"]))
            pairs.append({"eval": name, "train": r["id"], "source": r["sources"][0],
                          "spectral": round(float(spectral[e, t]), 4), "waveform": round(wave, 4)})
    pairs.sort(key=lambda p: -p["waveform"])
    copies = [p for p in pairs if p["waveform"] >= args.threshold]
    report = {"threshold": args.threshold, "evalClips": len(eval_files), "trainClips": len(singles),
              "pairsCompared": len(pairs), "copies": copies, "closest": pairs[:15]}
    (CACHE / "corpus" / "leakage.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: report[k] for k in ("evalClips", "trainClips", "pairsCompared")} | {"copies": len(copies)}))
    for p in pairs[:15]:
        print(f"waveform {p['waveform']:.3f} spectral {p['spectral']:.3f}  {p['eval']}  <->  {p['source']}")


if __name__ == "__main__":
    main()
