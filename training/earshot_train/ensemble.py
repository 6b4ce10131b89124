"""Several trained runs (seeds) served as one model with the bundle contract unchanged.

Per expert, the towers output the members' unit embeddings concatenated and scaled by 1/sqrt(K) (so still unit
norm), and the text tower outputs the members' mean mixture weights. The serving-form inner product is then
sum_e mean_m(w_m,e) * mean_m(cos_m,e): the members' similarities averaged expert by expert. TypeScript sees an
ordinary bundle whose experts have embedDim K x 256.

  /usr/bin/python3 -m earshot_train.ensemble --runs default-ce-s0,default-ce-s1,default-ce-s2   # modsounds-dev
"""

import argparse
import dataclasses
import json
import math

import torch
from torch import nn

from .export import load_run
from .model import RetrievalModel
from .paths import TRAINING


class EnsembleAudio(nn.Module):
    def __init__(self, members: list[RetrievalModel]):
        super().__init__()
        self.members = nn.ModuleList(m.audio for m in members)

    def forward(self, *inputs: torch.Tensor) -> list[torch.Tensor]:
        outs = [m(*inputs) for m in self.members]
        scale = 1 / math.sqrt(len(outs))
        return [torch.cat([o[e] for o in outs], dim=1) * scale for e in range(len(outs[0]))]


class EnsembleText(nn.Module):
    def __init__(self, members: list[RetrievalModel]):
        super().__init__()
        self.members = nn.ModuleList(m.text for m in members)

    def forward(self, words: torch.Tensor, mask: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        outs = [m(words, mask) for m in self.members]
        scale = 1 / math.sqrt(len(outs))
        emb = [torch.cat([o[0][e] for o in outs], dim=1) * scale for e in range(len(outs[0][0]))]
        return emb, torch.stack([o[1] for o in outs]).mean(0)


class Ensemble(nn.Module):
    """Quacks like RetrievalModel for evaluate() and the exporter: .cfg, .audio, .text."""

    def __init__(self, members: list[RetrievalModel]):
        super().__init__()
        first = members[0].cfg
        for m in members[1:]:
            assert m.cfg == first, "ensemble members must share experts and architecture"
        k = len(members)
        self.cfg = dataclasses.replace(
            first, experts=[dataclasses.replace(e, embed_dim=k * e.embed_dim) for e in first.experts])
        self.audio = EnsembleAudio(members)
        self.text = EnsembleText(members)


def main() -> None:
    from .train import eval_set, evaluate, word_vectors

    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True, help="comma-separated training/runs names")
    args = ap.parse_args()
    model = Ensemble([load_run(TRAINING / "runs" / r)[0] for r in args.runs.split(",")]).eval()
    store, ids, texts = eval_set([e.name for e in model.cfg.experts])
    res = evaluate(model, word_vectors(), store, ids, texts)
    print(json.dumps({"runs": args.runs, "t2a": res["t2a"], "a2t": res["a2t"]}))


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
