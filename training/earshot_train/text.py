"""Word vectors for the text tower: a trimmed GloVe 6B-100d vocabulary stored as float16.

Vocabulary = the most frequent TOP_N GloVe words plus every word of the caption corpora in ../shared/data/captions
and of our training captions that GloVe knows. Row i of vectors.f16 (little-endian float16, [V, 100]) is word i
of vocab.txt. Words outside the vocabulary are dropped by the text encoder (Python and TS alike).
"""

import csv
import json
from pathlib import Path

import numpy as np

from .paths import CACHE, CAPTIONS, GLOVE_JSON
from .tokenizer import tokenize

TOP_N = 50000
WORD_DIM = 100


def caption_rows(name: str) -> list[dict]:
    """Rows of one caption corpus file under ../shared/data/captions (CSV, or SoundBible's JSON)."""
    if name.endswith(".json"):
        return json.loads((CAPTIONS / name).read_text())["data"]
    with open(CAPTIONS / name, newline="") as f:
        return list(csv.DictReader(f))


AUDIOCAPS = [f"audiocaps/{split}.csv" for split in ("train", "val", "test")]
CLOTHO = "clotho/development.csv"
CLOTHO_CAPTIONS = [f"caption_{i}" for i in range(1, 6)]
BBC = "bbc/BBCSoundEffects.csv"
SOUNDBIBLE = "soundbible/sb_final.json"


def caption_corpus_texts() -> list[str]:
    texts: list[str] = []
    for name in AUDIOCAPS:
        texts += [r["caption"] for r in caption_rows(name)]
    for r in caption_rows(CLOTHO):
        texts += [r[c] for c in CLOTHO_CAPTIONS]
    for r in caption_rows(BBC):
        texts += [r["description"], r["category"]]
    for r in caption_rows(SOUNDBIBLE):
        texts += [r.get("title") or "", r.get("description") or "", r.get("caption") or ""]
    return texts


def paraphrase_groups() -> list[list[str]]:
    """Texts that describe one and the same recording: Clotho's five captions per file, AudioCaps' five per clip
    (val/test), a SoundBible entry's title and caption. No audio; used to teach the text tower that paraphrases
    of a sound belong together."""
    groups = [[r[c] for c in CLOTHO_CAPTIONS] for r in caption_rows(CLOTHO)]
    by_clip: dict[str, list[str]] = {}
    for name in AUDIOCAPS[1:]:  # val and test: five captions per clip (train has one)
        for r in caption_rows(name):
            by_clip.setdefault(r["youtube_id"], []).append(r["caption"])
    groups += [g for g in by_clip.values() if len(g) > 1]
    groups += [[r["title"], r["caption"]] for r in caption_rows(SOUNDBIBLE) if r.get("title") and r.get("caption")]
    return groups


def build_vocab(extra_texts: list[str], out_dir: Path = CACHE / "text") -> tuple[Path, Path]:
    """Writes vocab.txt and vectors.f16 into out_dir; returns their paths."""
    glove = json.loads(GLOVE_JSON.read_text())
    vectors = glove["vectors"]
    dim = glove["dimensions"]
    assert dim == WORD_DIM, dim
    words = list(glove["words"][:TOP_N])
    seen = set(words)
    for text in caption_corpus_texts() + extra_texts:
        for tok in tokenize(text):
            if tok not in seen and tok in vectors:
                seen.add(tok)
                words.append(tok)
    mat = np.array([vectors[w][:dim] for w in words], dtype=np.float32)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab_path, vec_path = out_dir / "vocab.txt", out_dir / "vectors.f16"
    vocab_path.write_text("\n".join(words) + "\n")
    mat.astype("<f2").tofile(vec_path)
    print(f"vocab: {len(words)} words, {vec_path.stat().st_size / 1e6:.1f} MB")
    return vocab_path, vec_path


class WordVectors:
    """Lookup used by training and evaluation; same rules as the TS text encoder."""

    def __init__(self, vocab_path: Path, vec_path: Path, max_tokens: int):
        self.words = vocab_path.read_text().split("\n")[:-1]
        self.index = {w: i for i, w in enumerate(self.words)}
        self.matrix = np.fromfile(vec_path, dtype="<f2").astype(np.float32).reshape(len(self.words), WORD_DIM)
        self.max_tokens = max_tokens

    def ids(self, text: str) -> list[int]:
        return [self.index[t] for t in tokenize(text) if t in self.index][: self.max_tokens]

    def batch(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """-> words [B, T, 100], mask [B, T] (1 = real token), T = longest text in the batch (at least 1). A text
        without known tokens is all padding (mask 0 everywhere); its text embedding is then fixed by the biases."""
        id_lists = [self.ids(t) for t in texts]
        t = max(1, max((len(ids) for ids in id_lists), default=1))
        words = np.zeros((len(texts), t, WORD_DIM), dtype=np.float32)
        mask = np.zeros((len(texts), t), dtype=np.float32)
        for b, ids in enumerate(id_lists):
            words[b, : len(ids)] = self.matrix[ids]
            mask[b, : len(ids)] = 1.0
        return words, mask


def main() -> None:
    from .data import TEMPLATES, load_corpus

    corpus = load_corpus(CACHE / "corpus" / "corpus.jsonl")
    build_vocab([r["label"] for r in corpus] + TEMPLATES)


if __name__ == "__main__":
    main()


# "-ing" words that are not what a sound source does.
NOT_VERBS = {"something", "nothing", "everything", "anything", "thing", "things", "ring", "king", "morning", "evening",
             "building", "ceiling", "during", "being", "ping", "spring", "string", "wing", "swing", "sing", "bring"}


def sound_phrases(labels: list[str], min_count: int = 3, top: int = 3) -> dict[str, list[str]]:
    """What a labelled source typically does, learned from the caption corpora: for a short label ("cow", "old
    door") the -ing words that most often follow its last word in AudioCaps/Clotho/BBC/SoundBible captions
    ("cow mooing", "cow grazing"). File names rarely say it, queries usually do."""
    follow: dict[str, dict[str, int]] = {}
    for text in caption_corpus_texts():
        toks = tokenize(text)
        for a, b in zip(toks, toks[1:]):
            if len(b) > 4 and b.endswith("ing") and b not in NOT_VERBS:
                counts = follow.setdefault(a, {})
                counts[b] = counts.get(b, 0) + 1
    out: dict[str, list[str]] = {}
    for label in labels:
        toks = tokenize(label)
        if not toks or len(toks) > 2 or any(t.endswith("ing") for t in toks):
            continue
        head = toks[-1]
        counts: dict[str, int] = {}
        for noun in (head, head + "s", head + "es"):
            for verb, n in follow.get(noun, {}).items():
                counts[verb] = counts.get(verb, 0) + n
        verbs = [v for v, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= min_count][:top]
        if verbs:
            out[label] = [f"{label} {v}" for v in verbs]
    return out
