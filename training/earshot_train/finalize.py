"""Evaluates a run's saved checkpoint on modsounds-dev and writes its metrics.json (for a run stopped early).

  /usr/bin/python3 -m earshot_train.finalize --run NAME
"""

import argparse
import json

import torch

from .export import load_run
from .paths import TRAINING
from .train import eval_set, evaluate, word_vectors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=0)
    args = ap.parse_args()
    run_dir = TRAINING / "runs" / args.run
    model, cfg = load_run(run_dir)
    store, ids, texts = eval_set([e.name for e in model.cfg.experts])
    res = evaluate(model, word_vectors(), store, ids, texts)
    path = run_dir / "metrics.json"
    metrics = json.loads(path.read_text()) if path.exists() else {
        "name": args.run, "architecture": cfg["architecture"], "experts": [e["name"] for e in cfg["experts"]],
        "seed": args.seed, "epochs": args.epochs, "trainItems": None, "trainSeconds": None, "hyper": {},
        "params": sum(p.numel() for p in model.parameters()), "stoppedEarly": True}
    metrics["modsoundsDev"] = res
    path.write_text(json.dumps(metrics, indent=1) + "\n")
    print(json.dumps(res["t2a"]), json.dumps(res["random"]))


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
