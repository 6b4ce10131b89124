"""`pnpm model:train`: rebuilds the default bundle from nothing.

corpus (download + caption + mix) -> expert features with the TypeScript serving code (`earshot features`)
-> copy check against the evaluation clips -> word vectors -> train CE once per seed -> export models/default (the
seeds' runs as one ensemble) -> `earshot eval` on modsounds-dev.
Each step is skipped when its output is already cached (delete training/cache to start from nothing).

  /usr/bin/python3 -m earshot_train.pipeline [--fresh] [--epochs N] [--seeds 0,1,2] [--arch CE|MoEE]
                                             [--experts logmel,spectral[,speech,yamnet,mn04]] [--extended] [--out DIR]

Experts other than the default set train runs named <arch>-<experts>-s<seed> and export to
training/runs/<arch>-<experts>-bundle unless --out says otherwise: models/default changes only when asked.
yamnet and mn04 need models/pretrained (scripts/setup.sh converts them from ../shared/models/pretrained).
"""

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .paths import BUNDLE, CACHE, EVAL_DIR, ROOT, TRAINING
from .train import DEFAULT_EXPERTS, EXPERTS, parser as train_parser, train


def step(name: str, started: float) -> None:
    print(f"[model:train] {name} (t={time.time() - started:.0f} s)", flush=True)


def features(list_path: Path, out_dir: Path, experts: list[str]) -> None:
    """Computes the experts' features of the clips once. An expert missing from an existing cache (one added with
    --experts later) is computed into out_dir/<expert>/ and joined to the cache's index."""
    index = json.loads((out_dir / "index.json").read_text()) if (out_dir / "index.json").exists() else None
    missing = [e for e in experts if index is None or e not in index["experts"]]
    if not missing:
        return
    target = out_dir if index is None else out_dir / "-".join(missing)
    spec = CACHE / "experts.json"
    spec.write_text(json.dumps([{"name": e, "frontend": EXPERTS[e].frontend} for e in missing]))
    # `earshot features` (packages/model) runs the serving frontends exactly as the embedder does.
    subprocess.run(["pnpm", "--silent", "earshot", "features", "--list", str(list_path), "--experts", str(spec),
                    "--out", str(target), "--concurrency", "2"], cwd=ROOT, check=True)
    if index is None:
        return
    extra = json.loads((target / "index.json").read_text())
    rows = {c["id"]: c for c in extra["clips"]}
    for name, meta in extra["experts"].items():
        index["experts"][name] = {**meta, "file": f"{target.name}/{meta['file']}"}
    # A clip the new expert could not decode leaves the cache: training needs every expert of a clip.
    index["clips"] = [{**c, **{n: rows[c["id"]][n] for n in missing}} for c in index["clips"] if c["id"] in rows]
    (out_dir / "index.json").write_text(json.dumps(index))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="delete training/cache first")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--seeds", default="0,1,2", help="one run per seed; several are exported as one ensemble")
    ap.add_argument("--arch", default="CE")
    ap.add_argument("--experts", default=DEFAULT_EXPERTS, help=f"comma-separated, of: {', '.join(EXPERTS)}")
    ap.add_argument("--version", default=None)
    ap.add_argument("--extended", action="store_true", help="corpus with corpus.py's EXTENDED_PACKAGES too")
    ap.add_argument("--out", default=None, help="bundle folder (default: models/default for the default experts)")
    args = ap.parse_args()
    default = args.experts == DEFAULT_EXPERTS
    tag = args.arch.lower() if default else f"{args.arch.lower()}-{args.experts.replace(',', '-')}"
    out = Path(args.out).resolve() if args.out else BUNDLE if default else TRAINING / "runs" / f"{tag}-bundle"
    started = time.time()
    if args.fresh and CACHE.exists():
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)

    step("corpus", started)
    if not (CACHE / "corpus" / "corpus.jsonl").exists():
        subprocess.run(["/usr/bin/python3", "-m", "earshot_train.corpus", *(["--extended"] if args.extended else [])],
                       cwd=TRAINING, check=True)
    cached = json.loads((CACHE / "corpus" / "provenance.json").read_text()).get("extended", False)
    if cached != args.extended:
        sys.exit(f"training/cache holds the {'extended' if cached else 'default'} corpus; add --fresh to rebuild it")
    rows = [json.loads(line) for line in (CACHE / "corpus" / "corpus.jsonl").read_text().splitlines()]
    with open(CACHE / "corpus" / "clips.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps({"id": r["id"], "path": r["file"]}) + "\n")
    # The evaluation clips' audio only (never their labels) goes through the same feature code.
    (CACHE / "eval").mkdir(exist_ok=True)
    with open(EVAL_DIR / "manifest.csv", newline="") as src, open(CACHE / "eval" / "clips.jsonl", "w") as f:
        for r in csv.DictReader(src):
            f.write(json.dumps({"id": r["file"], "path": str(EVAL_DIR / r["file"])}) + "\n")

    step("features (TypeScript frontends)", started)
    experts = args.experts.split(",")
    features(CACHE / "eval" / "clips.jsonl", CACHE / "eval" / "features", experts)
    features(CACHE / "corpus" / "clips.jsonl", CACHE / "features", experts)

    step("leakage check (training clips that copy evaluation clips are dropped)", started)
    if not (CACHE / "corpus" / "leakage.json").exists():
        subprocess.run(["/usr/bin/python3", "-m", "earshot_train.leakage"], cwd=TRAINING, check=True)

    step("word vectors", started)
    if not (CACHE / "text" / "vectors.f16").exists():
        subprocess.run(["/usr/bin/python3", "-m", "earshot_train.text"], cwd=TRAINING, check=True)

    names = []
    for seed in args.seeds.split(","):
        step(f"train (seed {seed})", started)
        names.append(f"default-{tag}-s{seed}")
        train(train_parser().parse_args(["--name", names[-1], "--arch", args.arch, "--experts", args.experts,
                                         "--seed", seed, "--epochs", str(args.epochs)]))

    step("export", started)
    from .export import export

    version = args.version or time.strftime("%Y.%m.%d-1", time.gmtime())
    export(names, out, version)

    step("eval (earshot eval CLI)", started)
    res = subprocess.run(["pnpm", "--silent", "earshot", "eval", "--manifest", str(EVAL_DIR / "manifest.csv"),
                          "--model", str(out), "--json"], cwd=ROOT, capture_output=True, text=True)
    if res.returncode == 0:
        (TRAINING / "runs" / ("default-ts-eval.json" if out == BUNDLE else f"{out.name}-ts-eval.json")).write_text(
            res.stdout)
        print(res.stdout.strip())
    else:
        print(f"earshot eval failed ({res.returncode}): {res.stderr.strip()[-500:]}")
    step(f"done: wall time {time.time() - started:.0f} s", started)


if __name__ == "__main__":
    main()
