"""Trains CE or MoEE on the cached corpus features; evaluates on the validation labels and on modsounds-dev.

  /usr/bin/python3 -m earshot_train.train --name ce-s0 [--arch CE|MoEE] [--experts logmel,spectral] [--seed 0]
      [--epochs 20] [--fraction 1.0] [--lr 0.01] [--wd 0.001] [--batch 128] [--margin 0.2]

Writes training/runs/<name>/{model.pt, config.json, metrics.json}.
"""

import argparse
import csv
import json
import math
import random
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .data import TEMPLATES, FeatureStore, caption_for, load_corpus, pad_batch, segment_windows
from .metrics import retrieval_metrics
from .model import ExpertConfig, ModelConfig, RetrievalModel, max_margin_loss, similarity
from .paths import CACHE, EVAL_DIR, TRAINING
from .text import WordVectors, paraphrase_groups, sound_phrases
from .tokenizer import tokenize

torch.set_num_threads(2)
torch.set_flush_denormal(True)  # denormal softmax tails made NetVLAD matmuls ~100x slower

# The experts this project can train: name -> (frontend, input dims, frame encoder, NetVLAD clusters).
EXPERTS = {
    "logmel": ExpertConfig("logmel", "vggish_logmel", 64, encoder="cnn2d", clusters=16),
    "spectral": ExpertConfig("spectral", "spectral_descriptors", 20, encoder="conv1d", clusters=8),
    # Google's speech_embedding (openWakeWord's ONNX pair): 96-d per 80 ms, pretrained on far more audio than ours.
    "speech": ExpertConfig("speech", "speech_embedding", 96, hop_s=0.08, max_frames=125, encoder="conv1d",
                           clusters=8, pool=1),
    # Frozen AudioSet networks (models/pretrained, converted at set-up; packages/audio pretrained-experts.ts): YAMNet's
    # embedding of each 0.96 s patch every 0.48 s, mn04's of each 1 s window every 0.5 s. Already pooled over
    # time by their networks, so no further pooling; max_frames covers a 10 s segment window (21 steps).
    "yamnet": ExpertConfig("yamnet", "yamnet_embedding", 1024, hop_s=0.48, max_frames=24, encoder="conv1d",
                           clusters=8, pool=1),
    "mn04": ExpertConfig("mn04", "mn04_embedding", 384, hop_s=0.5, max_frames=24, encoder="conv1d",
                         clusters=8, pool=1),
}
DEFAULT_EXPERTS = "logmel,spectral"
SEGMENT = {"windowS": 10.0, "hopS": 5.0}


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def standardise(model: RetrievalModel, store: FeatureStore, ids: list[str]) -> None:
    """Per-dimension mean/std of the training frames, frozen into the audio tower."""
    for cfg, branch in zip(model.cfg.experts, model.audio.branches):
        rows = np.concatenate([store.frames(i, cfg.name)[::5] for i in ids])
        branch.mean.copy_(torch.from_numpy(rows.mean(0)))
        branch.std.copy_(torch.from_numpy(rows.std(0) + 1e-3))


def warp(frames: np.ndarray, stretch: float, shift: int) -> np.ndarray:
    """Feature-level augmentation: time stretch by nearest-frame resampling and, for log-mel, a shift along the
    mel axis (about a pitch shift), the edge band repeated."""
    n = max(1, round(len(frames) / stretch))
    frames = frames[np.minimum((np.arange(n) * stretch).astype(int), len(frames) - 1)]
    if shift:
        frames = np.roll(frames, shift, axis=1)
        if shift > 0:
            frames[:, :shift] = frames[:, shift : shift + 1]
        else:
            frames[:, shift:] = frames[:, shift - 1 : shift]
    return frames


def audio_batch(store: FeatureStore, cfgs: list[ExpertConfig], items: list[tuple[str, float, float | None]],
                rng: random.Random | None = None, warps: list[tuple[float, int]] | None = None) -> list[torch.Tensor]:
    """Tower inputs for (clip id, start, end) windows. With rng, windows longer than max_frames are cropped at a
    random offset (training); otherwise the first max_frames are taken, as in serving. warps: per item (stretch,
    mel shift), applied to every expert alike (the shift to log-mel only)."""
    inputs = []
    for cfg in cfgs:
        seqs = []
        for k, (cid, s, e) in enumerate(items):
            f = store.frames(cid, cfg.name, s, e)
            if warps:
                f = warp(f, warps[k][0], warps[k][1] if cfg.frontend == "vggish_logmel" else 0)
            if len(f) > cfg.max_frames:
                off = rng.randrange(len(f) - cfg.max_frames + 1) if rng else 0
                f = f[off : off + cfg.max_frames]
            seqs.append(f)
        x, m = pad_batch(seqs, cfg.input_dim)
        inputs += [torch.from_numpy(x), torch.from_numpy(m)]
    return inputs


@torch.no_grad()
def encode_clips(model: RetrievalModel, store: FeatureStore, clip_ids: list[str], batch: int = 64):
    """-> per-expert segment embeddings [S, D] and the clip index of each segment."""
    windows = []
    for k, cid in enumerate(clip_ids):
        for s, e in segment_windows(store.duration(cid), SEGMENT["windowS"], SEGMENT["hopS"]):
            windows.append((k, cid, s, e))
    outs = []
    for i in range(0, len(windows), batch):
        chunk = windows[i : i + batch]
        outs.append(model.audio(*audio_batch(store, model.cfg.experts, [(c, s, e) for _, c, s, e in chunk])))
    per_expert = [torch.cat([o[j] for o in outs]) for j in range(len(model.cfg.experts))]
    return per_expert, np.array([w[0] for w in windows])


@torch.no_grad()
def evaluate(model: RetrievalModel, words: WordVectors, store: FeatureStore, clip_ids: list[str],
             clip_texts: list[list[str]]) -> dict:
    """Label-as-query retrieval; a clip's score is its best segment's score."""
    model.eval()
    texts = sorted({t.strip().lower() for ts in clip_texts for t in ts})
    w, m = words.batch(texts)
    t_emb, weights = model.text(torch.from_numpy(w), torch.from_numpy(m))
    a_emb, seg_clip = encode_clips(model, store, clip_ids)
    seg_sim = similarity(t_emb, weights, a_emb).numpy()
    sim = np.full((len(texts), len(clip_ids)), -np.inf, dtype=np.float32)
    for c in range(len(clip_ids)):
        sim[:, c] = seg_sim[:, seg_clip == c].max(1)
    pos = {t: i for i, t in enumerate(texts)}
    rel = np.zeros_like(sim, dtype=bool)
    for c, ts in enumerate(clip_texts):
        for t in ts:
            rel[pos[t.strip().lower()], c] = True
    out = retrieval_metrics(sim, rel)
    out.update({"clips": len(clip_ids), "queries": len(texts)})
    return out


def eval_set(experts: list[str]) -> tuple[FeatureStore, list[str], list[list[str]]]:
    with open(EVAL_DIR / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    store = FeatureStore(CACHE / "eval" / "features", experts)
    rows = [r for r in rows if r["file"] in store.clips]
    return store, [r["file"] for r in rows], [[r["label"]] for r in rows]


def eval_copies() -> set[str]:
    """Training clips that earshot_train.leakage found to be copies of evaluation clips (and so never trained on)."""
    path = CACHE / "corpus" / "leakage.json"
    return {c["train"] for c in json.loads(path.read_text())["copies"]} if path.exists() else set()


def usable_corpus(store: FeatureStore) -> tuple[list[dict], set[str]]:
    """-> the corpus rows that can be trained on (features decoded; no copy of an evaluation clip, alone or inside a
    mixture), and the dropped copies."""
    copies = eval_copies()
    rows = [r for r in load_corpus(CACHE / "corpus" / "corpus.jsonl")
            if r["id"] in store.clips and r["id"] not in copies and not copies.intersection(r["sources"])]
    return rows, copies


class Synonyms:
    """Caption augmentation in GloVe space: each known word is swapped, with probability p, for one of its nearest
    vocabulary neighbours (cosine >= min_cos), so the text tower learns a smooth map instead of memorising labels."""

    def __init__(self, words: WordVectors, texts: list[str], p: float, k: int = 5, min_cos: float = 0.7):
        self.p = p
        unit = words.matrix / np.linalg.norm(words.matrix, axis=1, keepdims=True).clip(1e-6)
        # Frequent function words ("on", "the", "then") keep their meaning; only content words are swapped.
        vocab = sorted({t for text in texts for t in tokenize(text) if words.index.get(t, 0) >= 200})
        self.neighbours: dict[str, list[str]] = {}
        for w in vocab:
            cos = unit @ unit[words.index[w]]
            best = np.argsort(-cos)[1 : k + 1]
            self.neighbours[w] = [words.words[i] for i in best if cos[i] >= min_cos]

    def __call__(self, text: str, rng: random.Random) -> str:
        out = []
        for t in tokenize(text):
            alts = self.neighbours.get(t)
            out.append(rng.choice(alts) if alts and rng.random() < self.p else t)
        return " ".join(out)


def length_buckets(lengths: list[int], batch: int, rng: random.Random) -> list[list[int]]:
    """Batches of clips of similar length (sorted with jitter), in random order: padding to the longest clip of a
    random batch would cost several times the compute on two shared cores."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i] * rng.uniform(0.8, 1.25))
    batches = [order[i : i + batch] for i in range(0, len(order) - batch + 1, batch)]
    rng.shuffle(batches)
    return batches


def build_model(arch: str, experts: list[str], embed_dim: int, text_clusters: int = 20,
                dropout: float = 0.0) -> RetrievalModel:
    cfgs = [ExpertConfig(**{**asdict(EXPERTS[e]), "embed_dim": embed_dim}) for e in experts]
    return RetrievalModel(ModelConfig(experts=cfgs, architecture=arch, text_clusters=text_clusters, dropout=dropout))


def word_vectors() -> WordVectors:
    return WordVectors(CACHE / "text" / "vocab.txt", CACHE / "text" / "vectors.f16", max_tokens=24)


def train(args: argparse.Namespace) -> dict:
    set_seed(args.seed)
    rng = random.Random(args.seed)
    experts = args.experts.split(",")
    store = FeatureStore(CACHE / "features", experts)
    corpus, copies = usable_corpus(store)
    train_rows = [r for r in corpus if r["split"] == "train"]
    if args.fraction < 1.0:
        train_rows = rng.sample(train_rows, max(args.batch, int(len(train_rows) * args.fraction)))
    val_rows = [r for r in corpus if r["split"] == "val" and r["kind"] != "mixture"]
    words = word_vectors()
    model = build_model(args.arch, experts, args.embed_dim, args.text_clusters, args.dropout)
    standardise(model, store, [r["id"] for r in train_rows])
    for branch in model.audio.branches:
        branch.spec_augment = args.spec_augment
    params = sum(p.numel() for p in model.parameters())
    lengths = [store.clips[r["id"]][experts[0]][1] for r in train_rows]
    synonyms = Synonyms(words, [r["label"] for r in train_rows] + TEMPLATES, args.synonyms) if args.synonyms else None
    paraphrases = paraphrase_groups() if args.paraphrase else None
    phrases = sound_phrases(sorted({r["label"] for r in train_rows if r["kind"] != "mixture"})) if args.phrases else None
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.95)
    ev_store, ev_ids, ev_texts = eval_set(experts)
    out_dir = TRAINING / "runs" / args.name
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = {"architecture": args.arch, "experts": [asdict(e) for e in model.cfg.experts],
           "word_dim": model.cfg.word_dim, "text_clusters": model.cfg.text_clusters, "max_tokens": model.cfg.max_tokens}
    (out_dir / "config.json").write_text(json.dumps(cfg, indent=1) + "\n")
    best, history, started = -1.0, [], time.time()
    swa, swa_n = None, 0
    for epoch in range(args.epochs):
        model.train()
        losses = []
        for batch_idx in length_buckets(lengths, args.batch, rng):
            rows = [train_rows[j] for j in batch_idx]
            warps = [(2 ** rng.uniform(-0.3, 0.3), rng.randint(-3, 3)) for _ in rows] if args.warp else None
            audio = audio_batch(store, model.cfg.experts, [(r["id"], 0.0, None) for r in rows], rng, warps)
            captions = [caption_for(r, rng, phrases) for r in rows]
            if synonyms:
                captions = [synonyms(c, rng) for c in captions]
            w, m = words.batch(captions)
            a_emb = model.audio(*audio)
            t_emb, weights = model.text(torch.from_numpy(w), torch.from_numpy(m))
            labels = [r["label"] for r in rows]
            same = torch.tensor([[a == b for b in labels] for a in labels])
            margin = semantic_margins(words, labels, args.margin) if args.semantic_margin else args.margin
            loss = max_margin_loss(similarity(t_emb, weights, a_emb), margin, same)
            if paraphrases:
                loss = loss + args.paraphrase * paraphrase_loss(model, words, paraphrases, rng, args)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        sched.step()
        val = evaluate(model, words, store, [r["id"] for r in val_rows], [[r["label"]] for r in val_rows])
        score = val["t2a"]["geomR1R5R10"]
        rec = {"epoch": epoch + 1, "loss": float(np.mean(losses)), "valGeom": score, "valR10": val["t2a"]["R10"],
               "s": round(time.time() - started, 1)}
        if args.eval_every and (epoch + 1) % args.eval_every == 0:
            rec["evalR10"] = evaluate(model, words, ev_store, ev_ids, ev_texts)["t2a"]["R10"]
        history.append(rec)
        print(json.dumps(rec), flush=True)
        if score > best:
            best = score
            torch.save(model.state_dict(), out_dir / "model.pt")
        if args.swa_from and epoch + 1 >= args.swa_from:
            snapshot = {k: v.detach().clone() for k, v in model.named_parameters()}
            if swa is None:
                swa, swa_n = snapshot, 1
            else:
                swa_n += 1
                for k, v in snapshot.items():
                    swa[k] += (v - swa[k]) / swa_n
    if swa is not None:
        swa_val = finish_swa(model, swa, store, train_rows, lengths, words, rng, args, val_rows)
        history.append({"swa": swa_n, "valGeom": swa_val})
        if args.eval_every:
            history[-1]["evalR10"] = evaluate(model, words, ev_store, ev_ids, ev_texts)["t2a"]["R10"]
        print(json.dumps(history[-1]), flush=True)
        if swa_val > best:
            best = swa_val
            torch.save(model.state_dict(), out_dir / "model.pt")
    model.load_state_dict(torch.load(out_dir / "model.pt"))
    final = evaluate(model, words, ev_store, ev_ids, ev_texts)
    result = {
        "name": args.name, "architecture": args.arch, "experts": experts, "seed": args.seed,
        "fraction": args.fraction, "trainItems": len(train_rows), "droppedAsEvalCopies": sorted(copies), "params": params, "epochs": args.epochs,
        "bestValGeom": best, "history": history, "modsoundsDev": final,
        "trainSeconds": round(time.time() - started, 1),
        "hyper": {"lr": args.lr, "wd": args.wd, "batch": args.batch, "margin": args.margin, "optimizer": "AdamW",
                  "schedule": "StepLR x0.95 per epoch", "embedDim": args.embed_dim,
                  "textClusters": args.text_clusters, "dropout": args.dropout, "synonyms": args.synonyms,
                  "specAugment": args.spec_augment, "phrases": args.phrases, "warp": args.warp,
                  "swaFrom": args.swa_from, "paraphrase": args.paraphrase,
                  "semanticMargin": args.semantic_margin},
    }
    (out_dir / "metrics.json").write_text(json.dumps(result, indent=1) + "\n")
    t = final["t2a"]
    print(f"{args.name}: modsounds-dev t2a R1 {t['R1']:.1f} R10 {t['R10']:.1f} mAP10 {t['mAP10']:.1f} "
          f"(random R10 {final['random']['t2a']['R10']:.1f}) in {result['trainSeconds']} s", flush=True)
    return result


def semantic_margins(words: WordVectors, labels: list[str], margin: float) -> torch.Tensor:
    """Per-pair margins proportional to 1 - cosine of the two labels' mean word vectors, scaled so that their mean
    is `margin`: a related pair ("footsteps on grass", "footsteps on snow") is pushed apart less than an unrelated
    one, so the audio space keeps the word vectors' notion of related sounds for labels it never saw."""
    w, m = words.batch(labels)
    mean = torch.from_numpy((w * m[..., None]).sum(1) / m.sum(1, keepdims=True).clip(1))
    unit = nn.functional.normalize(mean, dim=1)
    distance = (1 - unit @ unit.t()).clamp(0, 1)
    off_diagonal = ~torch.eye(len(labels), dtype=torch.bool)
    return margin * distance / distance[off_diagonal].mean().clamp(min=1e-6)


def paraphrase_loss(model: RetrievalModel, words: WordVectors, groups: list[list[str]], rng: random.Random,
                    args: argparse.Namespace) -> torch.Tensor:
    """Max-margin ranking between two captions of the same recording (text against text, every expert's
    embedding), the other pairs of the batch as negatives."""
    pairs = [rng.sample(g, 2) for g in rng.sample(groups, args.batch)]
    embs = []
    for side in (0, 1):
        w, m = words.batch([p[side] for p in pairs])
        embs.append(model.text(torch.from_numpy(w), torch.from_numpy(m))[0])
    sim = sum(a @ b.t() for a, b in zip(*embs)) / len(embs[0])
    return max_margin_loss(sim, args.margin)


@torch.no_grad()
def finish_swa(model: RetrievalModel, swa: dict, store: FeatureStore, train_rows: list[dict], lengths: list[int],
               words: WordVectors, rng: random.Random, args: argparse.Namespace, val_rows: list[dict]) -> float:
    """Loads the averaged weights, re-estimates batch-norm statistics over one pass of the training data (the
    averaged weights never produced the running ones) and returns the validation score."""
    for k, v in model.named_parameters():
        v.copy_(swa[k])
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm1d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the pass
    model.train()
    for batch_idx in length_buckets(lengths, args.batch, rng):
        rows = [train_rows[j] for j in batch_idx]
        model.audio(*audio_batch(store, model.cfg.experts, [(r["id"], 0.0, None) for r in rows], rng))
        w, m = words.batch([caption_for(r, rng) for r in rows])
        model.text(torch.from_numpy(w), torch.from_numpy(m))
    for m in bns:
        m.momentum = 0.1
    val = evaluate(model, words, store, [r["id"] for r in val_rows], [[r["label"]] for r in val_rows])
    return val["t2a"]["geomR1R5R10"]


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--arch", default="CE", choices=["CE", "MoEE"])
    ap.add_argument("--experts", default=DEFAULT_EXPERTS)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--fraction", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--wd", type=float, default=0.001)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--margin", type=float, default=0.2)
    ap.add_argument("--embed-dim", type=int, default=256)
    ap.add_argument("--text-clusters", type=int, default=20)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--synonyms", type=float, default=0.0, help="probability of swapping a caption word for a GloVe neighbour")
    ap.add_argument("--spec-augment", action=argparse.BooleanOptionalAction, default=False,
                    help="mask random feature bands and time spans while training")
    ap.add_argument("--phrases", action=argparse.BooleanOptionalAction, default=False,
                    help="also caption single clips with what their source does, learned from the caption corpora")
    ap.add_argument("--warp", action=argparse.BooleanOptionalAction, default=False,
                    help="stretch clips in time (x0.81-1.23) and shift log-mel up to 3 bands while training")
    ap.add_argument("--semantic-margin", action=argparse.BooleanOptionalAction, default=False,
                    help="per-pair margins scaled by how unrelated the two labels' word vectors are")
    ap.add_argument("--paraphrase", type=float, default=0.0,
                    help="weight of a text-to-text ranking loss on paraphrases from the caption corpora")
    ap.add_argument("--swa-from", type=int, default=0,
                    help="also average the weights of every epoch from this one on (kept if validation prefers it)")
    ap.add_argument("--eval-every", type=int, default=0, help="also report modsounds-dev R@10 every N epochs")
    return ap


if __name__ == "__main__":
    train(parser().parse_args())
