"""Cached expert features (written by `earshot features`, packages/model) and the caption/clip records."""

import json
import math
import random
from pathlib import Path

import numpy as np

# Single clips get one of these phrasings per sample (like the paper's one random caption per clip per epoch).
TEMPLATES = ["{l}", "{l}", "the sound of {l}", "{l} can be heard", "a recording of {l}"]


class FeatureStore:
    """Per-expert float32 rows [frames, dims] of many clips, memory-mapped."""

    def __init__(self, folder: Path, experts: list[str]):
        index = json.loads((folder / "index.json").read_text())
        self.meta = index["experts"]
        self.clips = {c["id"]: c for c in index["clips"]}
        self.arrays = {}
        for name in experts:
            dims = self.meta[name]["dims"]
            raw = np.memmap(folder / self.meta[name]["file"], dtype="<f4", mode="r")
            self.arrays[name] = raw.reshape(-1, dims)

    def frames(self, clip_id: str, expert: str, start_s: float = 0.0, end_s: float | None = None,
               max_frames: int = 0) -> np.ndarray:
        """Frames inside [start_s, end_s) exactly as packages/model's windowFrames picks them (JS Math.round is
        floor(x + 0.5); an empty window of a non-empty clip takes its nearest frame)."""
        c = self.clips[clip_id]
        row, n = c[expert]
        hop = self.meta[expert]["hopS"] or 1.0
        start = min(n, math.floor(start_s / hop + 0.5))
        end = n if end_s is None else min(n, math.floor(end_s / hop + 0.5))
        if max_frames > 0:
            end = min(end, start + max_frames)
        if end <= start and n > 0:
            start = min(start, n - 1)
            end = start + 1
        return np.asarray(self.arrays[expert][row + start : row + max(end, start)])

    def duration(self, clip_id: str) -> float:
        return self.clips[clip_id]["durationS"]


def pad_batch(seqs: list[np.ndarray], dims: int) -> tuple[np.ndarray, np.ndarray]:
    """-> x [B,T,D] zero-padded, mask [B,T]; an empty sequence becomes one zero frame with mask 1 (as in TS)."""
    t = max(1, max(len(s) for s in seqs))
    x = np.zeros((len(seqs), t, dims), dtype=np.float32)
    m = np.zeros((len(seqs), t), dtype=np.float32)
    for i, s in enumerate(seqs):
        x[i, : len(s)] = s
        m[i, : max(1, len(s))] = 1.0
    return x, m


def segment_windows(duration_s: float, window_s: float, hop_s: float) -> list[tuple[float, float]]:
    """Mirror of packages/audio segmentWindows (clips shorter than a window are one segment)."""
    if duration_s <= 0:
        return []
    if duration_s <= window_s:
        return [(0.0, duration_s)]
    out, k, eps = [], 0, 1e-9
    while k * hop_s + window_s <= duration_s + eps:
        out.append((round(k * hop_s, 6), round(k * hop_s + window_s, 6)))
        k += 1
    if out[-1][1] < duration_s - eps:
        out.append((round(duration_s - window_s, 6), duration_s))
    return out


def load_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def caption_for(row: dict, rng: random.Random, phrases: dict[str, list[str]] | None = None) -> str:
    """One caption per clip per epoch. With phrases (text.sound_phrases), half the time a single clip's label is
    replaced by one saying what its source does ("dog" -> "dog barking")."""
    if row["kind"] == "mixture":
        return row["label"]
    label = row["label"]
    if phrases and label in phrases and rng.random() < 0.5:
        label = rng.choice(phrases[label])
    return rng.choice(TEMPLATES).format(l=label)
