"""Converts the pretrained networks in ../shared/models/pretrained (or $EARSHOT_PRETRAINED_DIR) to ONNX.

    /usr/bin/python3 -m earshot_train.pretrained.convert [--src DIR] [--out DIR] [--force]

Verifies the sources against the hashes their README publishes, loads both networks into the PyTorch definitions
here, runs the published checks (a failure stops the conversion), and writes into the ignored folder
models/pretrained/: yamnet.onnx and mn04.onnx (networks only, dynamic batch; the front ends live in
@earshot/audio), the two class-name CSVs, parity inputs/outputs for the ONNX runtime test, and manifest.json.
Idempotent: when manifest.json records the same source hashes and converter version and every output is present
with its recorded hash, nothing is redone. Prints one line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.signal
import torch

from ..paths import ROOT
from . import checks
from .mn04 import load_mn04
from .yamnet import load_yamnet, tflite_front_end

DEFAULT_SRC = ROOT.parent / "shared" / "models" / "pretrained"
DEFAULT_OUT = ROOT / "models" / "pretrained"
OPSET = 13
# File name -> the sha256 prefix the source README lists.
SOURCES = {
    "yamnet_public_dynint8.tflite": "2d5e1e0577beb1fd",
    "yamnet_class_map.csv": "cdf24d193e196d9e",
    "efficientat_mn04_as_mAP_432.pt": "899a8c6217063f69",
    "audioset_class_labels_indices.csv": "cdd1049833c4b861",
}
FRONT_ENDS = {
    "yamnet": {
        "sample_rate": 16000, "window": 400, "window_fn": "hann periodic", "hop": 160, "n_fft": 512,
        "spectrum": "magnitude", "mel_bands": 64, "f_min": 125, "f_max": 7500, "mel_scale": "htk",
        "log_offset": 0.001, "patch_frames": 96, "patch_hop_frames": 48,
        "padding": "zeros to 15600 samples, then to a whole number of 7680-sample patch hops",
    },
    "mn04": {
        "sample_rate": 32000, "preemphasis": 0.97, "window": 800, "window_fn": "hann symmetric", "hop": 320,
        "n_fft": 1024, "center": "reflect", "spectrum": "power", "mel_bands": 128, "f_min": 0, "f_max": 15000,
        "mel_scale": "kaldi (htk formula)", "log_offset": 1e-5, "normalise": "(x + 4.5) / 5",
    },
}  # fmt: skip


class ConvertError(RuntimeError):
    pass


def converter_version() -> str:
    """A hash of the code that shapes the outputs (these modules and the reference front ends): a change redoes it."""
    here = Path(__file__).resolve().parent
    reference = (checks.yamnet_logmel, checks.yamnet_logmel.vggish, checks.efficientat_logmel)
    code = [*sorted(here.glob("*.py")), here / "checks.json", *(m.__file__ for m in reference)]
    h = hashlib.sha256()
    for path in code:
        h.update(Path(path).read_bytes())
    return h.hexdigest()[:16]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("EARSHOT_PRETRAINED_DIR") or DEFAULT_SRC)


def verify_sources(src: Path) -> dict[str, str]:
    hashes = {}
    for name, prefix in SOURCES.items():
        path = src / name
        if not path.is_file():
            raise ConvertError(f"{path} is missing")
        digest = sha256(path)
        if not digest.startswith(prefix):
            raise ConvertError(f"{path}: sha256 {digest[:16]} differs from the published {prefix}")
        hashes[name] = digest
    return hashes


def up_to_date(out: Path, hashes: dict[str, str]) -> bool:
    try:
        manifest = json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("converter_version") != converter_version() or manifest.get("sources") != hashes:
        return False
    return all((out / f).is_file() and sha256(out / f) == h for f, h in manifest.get("outputs", {}).items())


def export_onnx(model, example, path: Path, inputs: list[str], outputs: list[str], dynamic: dict) -> None:
    # The exporter warns about shape inference on every call; set-up prints one line, not those.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, example, str(path), input_names=inputs, output_names=outputs, opset_version=OPSET,
            dynamic_axes=dynamic, do_constant_folding=True,
        )  # fmt: skip


def write_parity(out: Path, name: str, model, example: torch.Tensor) -> list[str]:
    """A fixed input and PyTorch's outputs for it, so the ONNX runtime test can compare without PyTorch."""
    with torch.no_grad():
        scores, embeddings = model(example)
    files = [f"{name}.parity.input.f32", f"{name}.parity.scores.f32", f"{name}.parity.embeddings.f32"]
    for f, t in zip(files, (example, scores, embeddings)):
        t.numpy().astype("<f4").tofile(out / f)
    return files


def convert(src: Path, out: Path, force: bool = False) -> str:
    started = time.time()
    if not src.is_dir():
        return f"no pretrained networks at {src}: the self-contained default bundle will be used"
    hashes = verify_sources(src)
    if not force and up_to_date(out, hashes):
        return f"pretrained experts up to date in {out}"
    yamnet = load_yamnet(src / "yamnet_public_dynint8.tflite")
    mn04 = load_mn04(src / "efficientat_mn04_as_mAP_432.pt")
    yamnet_names = checks.class_names(src / "yamnet_class_map.csv")
    audioset_names = checks.class_names(src / "audioset_class_labels_indices.csv")
    if len(yamnet_names) != 521 or len(audioset_names) != 527:
        raise ConvertError("class maps: expected 521 YAMNet and 527 AudioSet names")
    # Our front end against the constants in the .tflite's own: the same window and log offset, and the same mel
    # bands up to the file's int8 quantisation.
    window, mel, offset = tflite_front_end(src / "yamnet_public_dynint8.tflite")
    vggish = checks.yamnet_logmel.vggish
    window_error = float(np.abs(window - scipy.signal.get_window("hann", vggish.WINDOW, fftbins=True)).max())
    mel_error = float(np.abs(vggish.mel_matrix() - mel.T).max())
    if window_error > 1e-6 or mel_error > 0.01 or offset != np.float32(checks.yamnet_logmel.LOG_OFFSET):
        raise ConvertError(
            f"YAMNet's front end differs from the file's: window {window_error:.2g}, mel {mel_error:.4f}, "
            f"log offset {offset}"
        )
    results = checks.run_checks(yamnet, mn04, yamnet_names, audioset_names)
    failed = [r for r in results if not r["passed"]]
    if failed:
        detail = "; ".join(f"{r['network']} {r['signal']}: {r['top']}" for r in failed)
        raise ConvertError(f"published checks failed: {detail}")

    out.mkdir(parents=True, exist_ok=True)
    tmp = out / ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    rng = np.random.default_rng(1)
    yamnet_in = torch.from_numpy(rng.normal(-4.0, 2.0, (2, 96, 64)).astype(np.float32))
    mn04_in = torch.from_numpy(rng.normal(-0.5, 0.6, (2, 1, 128, 301)).astype(np.float32))
    export_onnx(yamnet, yamnet_in, tmp / "yamnet.onnx", ["patches"], ["scores", "embeddings"],
                {"patches": {0: "patches"}, "scores": {0: "patches"}, "embeddings": {0: "patches"}})  # fmt: skip
    export_onnx(mn04, mn04_in, tmp / "mn04.onnx", ["logmel"], ["scores", "embeddings"],
                {"logmel": {0: "batch", 3: "frames"}, "scores": {0: "batch"}, "embeddings": {0: "batch"}})  # fmt: skip
    files = ["yamnet.onnx", "mn04.onnx", "yamnet_class_map.csv", "audioset_class_labels_indices.csv"]
    for csv_name in files[2:]:
        shutil.copyfile(src / csv_name, tmp / csv_name)
    files += write_parity(tmp, "yamnet", yamnet, yamnet_in) + write_parity(tmp, "mn04", mn04, mn04_in)
    manifest = {
        "converter_version": converter_version(),
        "sources": hashes,
        "experts": {
            "yamnet": {
                "onnx": "yamnet.onnx", "input": "patches [P, 96, 64]",
                "outputs": ["scores [P, 521]", "embeddings [P, 1024]"],
                "classes": "yamnet_class_map.csv", "embedding_dims": 1024, "class_count": 521,
                "patch_hop_s": 0.48, "front_end": FRONT_ENDS["yamnet"], "licence": "Apache-2.0",
                "parity_shapes": {"input": [2, 96, 64]},
            },
            "mn04": {
                "onnx": "mn04.onnx", "input": "logmel [B, 1, 128, T]",
                "outputs": ["scores [B, 527]", "embeddings [B, 384]"],
                "classes": "audioset_class_labels_indices.csv", "embedding_dims": mn04.embedding_dims,
                "class_count": 527,
                "front_end": FRONT_ENDS["mn04"], "licence": "MIT",
                "parity_shapes": {"input": [2, 1, 128, 301]},
            },
        },
        "checks": results,
        "yamnet_front_end_vs_file": {"window_max_error": window_error, "mel_matrix_max_error": mel_error},
        "outputs": {f: sha256(tmp / f) for f in files},
    }  # fmt: skip
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    # Replace the outputs only once everything is written, so a failed run leaves the old folder usable.
    for f in [*files, "manifest.json"]:
        os.replace(tmp / f, out / f)
    tmp.rmdir()
    passed = sum(r["rule"] is not None for r in results)
    return f"pretrained experts converted to {out} in {time.time() - started:.1f} s ({passed} checks passed)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--src", help=f"folder holding the pretrained files (default $EARSHOT_PRETRAINED_DIR or {DEFAULT_SRC})"
    )
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder (default models/pretrained)")
    parser.add_argument("--force", action="store_true", help="convert even when the outputs are up to date")
    args = parser.parse_args(argv)
    try:
        print(convert(source_dir(args.src), Path(args.out), args.force))
    except ConvertError as e:
        print(f"pretrained conversion failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
