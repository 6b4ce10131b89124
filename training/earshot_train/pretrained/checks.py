"""The published checks of the pretrained networks, on synthetic signals run through the reference front ends.

The rules and signal settings live in checks.json, which the ONNX runtime test (packages/model/test/pretrained.test.ts)
reads too: a rule names classes one of which must be within the clip's top k. The signals: silence, white noise, a
sine and, when espeak-ng is installed, a spoken sentence.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.signal
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "reference"))
import efficientat_logmel  # noqa: E402
import yamnet_logmel  # noqa: E402

SPEC = json.loads((Path(__file__).resolve().parent / "checks.json").read_text())


def class_names(csv_path: Path) -> list[str]:
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[2] for r in rows[1:]]


def espeak_speech(rate: int) -> np.ndarray | None:
    """A spoken sentence from espeak-ng at `rate` Hz, or None when espeak-ng is not installed."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        subprocess.run([exe, "-w", str(path), SPEC["speech_text"]], check=True, capture_output=True)
        with wave.open(str(path)) as w:
            src_rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    g = np.gcd(rate, src_rate)
    return scipy.signal.resample_poly(pcm, rate // g, src_rate // g)


def signals(rate: int) -> dict[str, np.ndarray]:
    """The synthetic check signals at `rate` Hz (deterministic)."""
    n = SPEC["seconds"] * rate
    out = {
        "silence": np.zeros(n),
        "white noise": np.random.default_rng(0).normal(0.0, SPEC["noise_std"], n),
        "sine 440 Hz": SPEC["sine_amplitude"] * np.sin(2 * np.pi * SPEC["sine_hz"] * np.arange(n) / rate),
    }
    speech = espeak_speech(rate)
    if speech is not None:
        out["speech"] = speech
    return out


@dataclass
class Rule:
    network: str
    signal: str
    classes: frozenset[str]
    top: int  # the class (or one of them) must be within the first `top`


RULES = [Rule(r["network"], r["signal"], frozenset(r["classes"]), r["top"]) for r in SPEC["rules"]]


def yamnet_scores(model, pcm16k: np.ndarray) -> np.ndarray:
    """Clip-level scores: the mean over patches, as YAMNet's own inference example does."""
    patches = torch.from_numpy(yamnet_logmel.patches(pcm16k).astype(np.float32))
    with torch.no_grad():
        return model(patches)[0].mean(0).numpy()


def mn04_scores(model, pcm32k: np.ndarray) -> np.ndarray:
    logmel = torch.from_numpy(efficientat_logmel.log_mel(pcm32k).astype(np.float32))[None, None]
    with torch.no_grad():
        return model(logmel)[0][0].numpy()


def run_checks(yamnet, mn04, yamnet_names: list[str], audioset_names: list[str]) -> list[dict]:
    """Every rule whose signal exists, with the top classes found and whether it passed."""
    scores = {}
    for name, pcm in signals(16000).items():
        scores[("yamnet", name)] = yamnet_scores(yamnet, pcm)
    for name, pcm in signals(32000).items():
        scores[("mn04", name)] = mn04_scores(mn04, pcm)
    results = []
    for (network, signal), s in scores.items():
        names = yamnet_names if network == "yamnet" else audioset_names
        order = np.argsort(-s)
        top = [(names[i], round(float(s[i]), 3)) for i in order[:10]]
        for rule in RULES:
            if (rule.network, rule.signal) == (network, signal):
                passed = any(n in rule.classes for n, _ in top[: rule.top])
                results.append(
                    {"network": network, "signal": signal, "rule": f"{sorted(rule.classes)} in top {rule.top}",
                     "passed": passed, "top": top[:5]}
                )  # fmt: skip
                break
        else:
            results.append({"network": network, "signal": signal, "rule": None, "passed": True, "top": top[:5]})
    return results
