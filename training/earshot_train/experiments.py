"""The docs/model.md experiments: CE vs MoEE, expert ablation (paper Table 2 form), training-set size (paper Fig. 1c),
each over seeds, on modsounds-dev. Runs that already have metrics.json are reused.

  /usr/bin/python3 -m earshot_train.experiments [--seeds 0,1,2] [--epochs 12] [--only main|ablation|scaling]

Writes training/runs/experiments.json and prints markdown tables.
"""

import argparse
import json

import numpy as np

from .paths import TRAINING
from .train import parser as train_parser, train


def run(name: str, extra: list[str]) -> dict:
    path = TRAINING / "runs" / name / "metrics.json"
    if path.exists():
        return json.loads(path.read_text())
    return train(train_parser().parse_args(["--name", name, *extra]))


def mean_std(results: list[dict], direction: str, key: str) -> str:
    v = np.array([r["modsoundsDev"][direction][key] for r in results])
    return f"{v.mean():.1f} ± {v.std():.1f}" if key != "mAP10" else f"{v.mean():.3f} ± {v.std():.3f}"


def table(rows: list[tuple[str, list[dict]]], direction: str) -> str:
    keys = ["R1", "R5", "R10", "R50", "MdR", "mAP10"]
    out = [f"| {direction} | " + " | ".join(keys) + " | params |", "|---" * (len(keys) + 2) + "|"]
    for label, results in rows:
        params = results[0]["params"] / 1e6
        out.append(f"| {label} | " + " | ".join(mean_std(results, direction, k) for k in keys) + f" | {params:.2f}M |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    ep = ["--epochs", str(args.epochs)]
    groups: dict[str, list[tuple[str, list[dict]]]] = {}
    if args.only in ("", "main"):
        groups["main"] = [
            (arch, [run(f"x-{arch.lower()}-both-s{s}", ["--arch", arch, "--seed", str(s), *ep]) for s in seeds])
            for arch in ("CE", "MoEE")
        ]
    if args.only in ("", "ablation"):
        groups["ablation"] = [
            (experts, [run(f"x-ce-both-s{s}" if experts == "logmel,spectral" else f"x-ce-{experts}-s{s}",
                           ["--arch", "CE", "--experts", experts, "--seed", str(s), *ep]) for s in seeds])
            for experts in ("logmel", "spectral", "logmel,spectral")
        ]
    if args.only in ("", "scaling"):
        groups["scaling"] = [
            (f"{frac:g}", [run(f"x-ce-both-s{s}" if frac == 1.0 else f"x-ce-frac{frac:g}-s{s}",
                               ["--fraction", str(frac), "--seed", str(s), *ep])
                           for s in seeds])
            for frac in (0.1, 0.25, 0.5, 1.0)
        ]
    summary = {}
    for g, rows in groups.items():
        summary[g] = {label: [r["modsoundsDev"] | {"params": r["params"], "trainItems": r["trainItems"],
                                                   "trainSeconds": r["trainSeconds"]} for r in res]
                      for label, res in rows}
        print(f"\n### {g}\n")
        print(table(rows, "t2a"))
        print()
        print(table(rows, "a2t"))
    (TRAINING / "runs" / f"experiments{('-' + args.only) if args.only else ''}.json").write_text(
        json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
