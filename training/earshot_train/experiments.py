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


REPORT_ONLY = False


def run(name: str, extra: list[str]) -> dict | None:
    path = TRAINING / "runs" / name / "metrics.json"
    if path.exists():
        return json.loads(path.read_text())
    if REPORT_ONLY:
        return None
    return train(train_parser().parse_args(["--name", name, *extra]))


def mean_std(results: list[dict], direction: str, key: str) -> str:
    v = np.array([r["modsoundsDev"][direction][key] for r in results])
    return f"{v.mean():.1f} ± {v.std():.1f}" if key != "mAP10" else f"{v.mean():.3f} ± {v.std():.3f}"


def table(rows: list[tuple[str, list[dict]]], direction: str) -> str:
    keys = ["R1", "R5", "R10", "R50", "MdR", "mAP10"]
    out = [f"| {direction} | " + " | ".join(keys) + " | params | seeds |", "|---" * (len(keys) + 3) + "|"]
    for label, results in rows:
        results = [r for r in results if r]
        if not results:
            continue
        params = results[0]["params"] / 1e6
        out.append(f"| {label} | " + " | ".join(mean_std(results, direction, k) for k in keys)
                   + f" | {params:.2f}M | {len(results)} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--only", default="")
    ap.add_argument("--report", action="store_true", help="only tabulate runs that already finished")
    args = ap.parse_args()
    global REPORT_ONLY
    REPORT_ONLY = args.report
    seeds = [int(s) for s in args.seeds.split(",")]
    ep = ["--epochs", str(args.epochs)]
    groups: dict[str, list[tuple[str, list[dict]]]] = {}
    if args.only in ("", "main"):
        groups["main"] = [
            (arch, [run(f"x{args.epochs}-{arch.lower()}-both-s{s}", ["--arch", arch, "--seed", str(s), *ep]) for s in seeds])
            for arch in ("CE", "MoEE")
        ]
    if args.only in ("", "ablation"):
        groups["ablation"] = [
            (experts, [run(f"x{args.epochs}-ce-both-s{s}" if experts == "logmel,spectral" else f"x{args.epochs}-ce-{experts}-s{s}",
                           ["--arch", "CE", "--experts", experts, "--seed", str(s), *ep]) for s in seeds])
            for experts in ("logmel", "spectral", "logmel,spectral")
        ]
    if args.only in ("", "scaling"):
        groups["scaling"] = [
            (f"{frac:g}", [run(f"x{args.epochs}-ce-both-s{s}" if frac == 1.0 else f"x{args.epochs}-ce-frac{frac:g}-s{s}",
                               ["--fraction", str(frac), "--seed", str(s), *ep])
                           for s in seeds])
            for frac in (0.1, 0.25, 0.5, 1.0)
        ]
    summary = {}
    for g, rows in groups.items():
        summary[g] = {label: [r["modsoundsDev"] | {"params": r["params"], "trainItems": r["trainItems"],
                                                   "trainSeconds": r["trainSeconds"]} for r in res if r]
                      for label, res in rows}
        print(f"\n### {g}\n")
        print(table(rows, "t2a"))
        print()
        print(table(rows, "a2t"))
    if args.report:
        return
    (TRAINING / "runs" / f"experiments{('-' + args.only) if args.only else ''}.json").write_text(
        json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
