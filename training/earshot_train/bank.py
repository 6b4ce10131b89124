"""Label bank: the text tower looks its query up among the training labels and adds what those labels' clips
sounded like.

Why: clips of one label find each other in the audio embedding, but the text tower maps a label it never saw onto
the wrong sounds (docs/model.md, "Where the gap is"). The bank holds, per training label, a key (the text tower's own
embedding of the label) and a prototype (the mean serving-form audio embedding of its training clips). A query
attends over its k nearest keys (softmax of cosine / tau) and its serving vector becomes

    v_e = w_e * t_e + lam / E * x_e        (x = attended prototype, per expert e of E)

which the tower emits as unit t'_e = v_e / |v_e| and weights w'_e = |v_e| / sum |v_e| (the same ranking, the bundle
contract unchanged). Keys and prototypes are stored as int8 with one float32 scale per row.

  /usr/bin/python3 -m earshot_train.bank --runs default-ce-s0,default-ce-s1,default-ce-s2 [--grid]
  (each run and their ensemble with and without the bank; --grid: the ensemble over the settings grid)
"""

import argparse
import itertools
import json
import math

import torch
from torch import nn

from .data import FeatureStore
from .paths import CACHE, TRAINING

# Picked on the validation labels (train-split bank), docs/model.md "Label bank".
TOP_K = 3
TAU = 0.05
LAMBDA = 1.0


class LabelBank(nn.Module):
    """Wraps a text tower (RetrievalModel.text or an ensemble's); same inputs and outputs."""

    def __init__(self, text: nn.Module, dims: list[int], keys: torch.Tensor, prototypes: torch.Tensor,
                 k: int = TOP_K, tau: float = TAU, lam: float = LAMBDA):
        super().__init__()
        self.text = text
        self.dims = dims
        self.k, self.tau, self.lam = min(k, len(keys)), tau, lam
        # int8 values and scales the bundle stores (export.store_int8); the buffers hold what they decode to.
        # Keys are kept transposed so the exported MatMul reads the stored matrix as it is.
        keys_q, keys_scale = int8_rows(keys)
        protos_q, protos_scale = int8_rows(prototypes)
        self.int8 = {"keys_t": (keys_q.t(), keys_scale.t()), "prototypes": (protos_q, protos_scale)}
        self.register_buffer("keys_t", (keys_q.float() * keys_scale).t().contiguous())
        self.register_buffer("prototypes", protos_q.float() * protos_scale)

    def describe(self, entries: str) -> dict:
        """The manifest's textTower.labelBank."""
        return {"entries": entries, "size": self.keys_t.shape[1], "topK": self.k, "tau": self.tau, "lambda": self.lam,
                "keys": "text tower embedding of each label", "prototypes": "mean audio embedding of its clips",
                "dtype": "int8 with a float32 scale per entry", "module": "training/earshot_train/bank.py"}

    def forward(self, words: torch.Tensor, mask: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        emb, weights = self.text(words, mask)
        query = torch.cat(emb, dim=1) / math.sqrt(len(emb))
        near, idx = (query @ self.keys_t).topk(self.k, dim=1)
        attn = torch.softmax(near / self.tau, dim=1)
        attended = (attn.unsqueeze(2) * self.prototypes[idx]).sum(1)
        parts = torch.split(attended, self.dims, dim=1)
        served = [weights[:, e : e + 1] * t + self.lam / len(emb) * x for e, (t, x) in enumerate(zip(emb, parts))]
        norms = torch.cat([v.norm(dim=1, keepdim=True) for v in served], dim=1)
        return [v / norms[:, e : e + 1] for e, v in enumerate(served)], norms / norms.sum(1, keepdim=True)


def int8_rows(m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-row int8 quantisation -> (int8 values, float32 scales [rows, 1])."""
    scale = (m.abs().amax(1, keepdim=True) / 127).clamp(min=1e-12)
    return torch.round(m / scale).clamp(-127, 127).to(torch.int8), scale


@torch.no_grad()
def build(model: nn.Module, store: FeatureStore, rows: list[dict]) -> tuple[list[str], torch.Tensor, torch.Tensor]:
    """-> labels, keys [L, dim], prototypes [L, dim] from single (non-mixture) clips `rows`."""
    from .train import encode_clips, word_vectors

    labels = sorted({r["label"] for r in rows})
    w, m = word_vectors().batch(labels)
    emb, _ = model.text(torch.from_numpy(w), torch.from_numpy(m))
    keys = torch.cat(emb, dim=1) / math.sqrt(len(emb))
    seg_emb, seg_clip = encode_clips(model, store, [r["id"] for r in rows])
    seg = torch.cat(seg_emb, dim=1)
    slot = {l: i for i, l in enumerate(labels)}
    sums = torch.zeros(len(labels), seg.shape[1])
    counts = torch.zeros(len(labels), 1)
    for c, r in enumerate(rows):
        sums[slot[r["label"]]] += seg[torch.from_numpy(seg_clip == c)].mean(0)
        counts[slot[r["label"]]] += 1
    return labels, keys, sums / counts


def training_clips(store: FeatureStore, splits: tuple[str, ...]) -> list[dict]:
    """The usable corpus's (train.usable_corpus) single clips of `splits`."""
    from .train import usable_corpus

    return [r for r in usable_corpus(store)[0] if r["kind"] != "mixture" and r["split"] in splits]


def attach(model: nn.Module, store: FeatureStore, rows: list[dict], **settings) -> list[str]:
    """Wraps model.text with a bank built from `rows`; -> the bank's labels."""
    labels, keys, prototypes = build(model, store, rows)
    model.text = LabelBank(model.text, [e.embed_dim for e in model.cfg.experts], keys, prototypes, **settings)
    return labels


def main() -> None:
    from .ensemble import Ensemble
    from .export import load_run
    from .train import eval_set, evaluate, word_vectors

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True, help="comma-separated training/runs names")
    ap.add_argument("--grid", action="store_true", help="the ensemble over a grid of top-k, tau and lambda")
    args = ap.parse_args()
    members = [load_run(TRAINING / "runs" / r)[0] for r in args.runs.split(",")]
    experts = [e.name for e in members[0].cfg.experts]
    store = FeatureStore(CACHE / "features", experts)
    words = word_vectors()
    val = training_clips(store, ("val",))
    ev_store, ev_ids, ev_texts = eval_set(experts)

    def scores(model: nn.Module, grid: list[dict]) -> None:
        """Validation with a train-split bank (what picked the settings); modsounds-dev with the train+val bank
        that export builds."""
        plain = model.text
        banks = {}
        for name, splits in (("validation", ("train",)), ("modsounds-dev", ("train", "val"))):
            _, keys, prototypes = build(model, store, training_clips(store, splits))
            banks[name] = (keys, prototypes)
        dims = [e.embed_dim for e in model.cfg.experts]
        for settings in [None] + grid:
            out = {"bank": settings}
            for name, (keys, prototypes) in banks.items():
                model.text = LabelBank(plain, dims, keys, prototypes, **settings) if settings is not None else plain
                res = (evaluate(model, words, store, [r["id"] for r in val], [[r["label"]] for r in val])
                       if name == "validation" else evaluate(model, words, ev_store, ev_ids, ev_texts))
                out[name] = {"t2a": {k: round(x, 3) for k, x in res["t2a"].items()}, "a2tR10": round(res["a2t"]["R10"], 1)}
            model.text = plain
            print(json.dumps(out), flush=True)

    if args.grid:
        model = Ensemble(members).eval() if len(members) > 1 else members[0]
        scores(model, [dict(k=k, tau=t, lam=l) for k, t, l in itertools.product((3, 10, 30), (0.05, 0.1), (0.5, 1.0, 2.0))])
        return
    for name, member in zip(args.runs.split(","), members):
        print(name, flush=True)
        scores(member, [{}])
    if len(members) > 1:
        print("ensemble", flush=True)
        scores(Ensemble(members).eval(), [{}])


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
