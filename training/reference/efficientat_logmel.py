"""Independent numpy reference for EfficientAT mn04_as's front end (@earshot/audio efficientatLogMel).

Written from the front end's published description (shared/models/pretrained/README.md): 32 kHz mono;
pre-emphasis y[t] = x[t+1] - 0.97 x[t] (a valid 2-tap filter, one sample shorter); STFT with n_fft 1024, a
symmetric 800-sample Hann window centred in the 1024 frame, hop 320, centred frames (signal reflect-padded by 512
on both sides, so frames = 1 + floor(len / 320)); power spectrum; a Kaldi-style bank of 128 triangular mel bins
(mel = 1127 ln(1 + f/700), triangles evenly spaced in mel between 0 and 15000 Hz, evaluated at bin k's frequency
k * 32000 / 1024; the Nyquist bin is zero); log(mel + 1e-5); then (x + 4.5) / 5. A pre-emphasised signal
shorter than 513 samples is zero-padded to 513 first (reflect padding needs more samples than half a frame).

Usage: python3 efficientat_logmel.py IN.f32 OUT.f64 [IN.f32 OUT.f64 ...]
  IN: raw little-endian float32 mono PCM at 32 kHz; OUT: raw float64 [128][frames] (mel-major, as the network
  reads it).
"""

import sys

import numpy as np
from vggish_logmel import hz_to_mel

SAMPLE_RATE = 32000
N_FFT = 1024
WINDOW = 800
HOP = 320
N_MELS = 128
F_MIN = 0.0
F_MAX = 15000.0
PREEMPHASIS = 0.97


def mel_matrix():
    """[N_FFT // 2 + 1, N_MELS] weights."""
    bin_mel = hz_to_mel(np.arange(N_FFT // 2 + 1) * SAMPLE_RATE / N_FFT)
    edges = np.linspace(hz_to_mel(F_MIN), hz_to_mel(F_MAX), N_MELS + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (bin_mel[:, None] - lower[None, :]) / (center - lower)[None, :]
    falling = (upper[None, :] - bin_mel[:, None]) / (upper - center)[None, :]
    weights = np.clip(np.minimum(rising, falling), 0.0, None)
    weights[-1, :] = 0.0
    return weights


def window():
    # Symmetric Hann of 800 points, zero-padded evenly to the FFT size.
    w = np.zeros(N_FFT)
    left = (N_FFT - WINDOW) // 2
    w[left : left + WINDOW] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW) / (WINDOW - 1))
    return w


def log_mel(pcm):
    x = np.asarray(pcm, dtype=np.float64)
    x = x[1:] - PREEMPHASIS * x[:-1]
    x = np.pad(x, (0, max(0, N_FFT // 2 + 1 - len(x))))
    x = np.pad(x, N_FFT // 2, mode="reflect")
    n = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    power = np.abs(np.fft.rfft(x[idx] * window(), axis=1)) ** 2
    return ((np.log(power @ mel_matrix() + 1e-5) + 4.5) / 5.0).T


def main(args):
    if len(args) % 2 or not args:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        log_mel(np.fromfile(src, dtype="<f4")).astype("<f8").tofile(dst)


if __name__ == "__main__":
    main(sys.argv[1:])
