"""Independent numpy reference for the VGGish log-mel frontend of @earshot/audio (logMelVggish).

Written from the published VGGish input specification, not from the TypeScript code:
16 kHz mono; frames of 25 ms (400 samples) every 10 ms (160 samples), only frames fully inside the signal;
periodic Hann window; magnitude of a 512-point real FFT (257 bins); 64 triangular mel bands on the HTK mel
scale (1127 ln(1 + f/700)) between 125 and 7500 Hz, triangles spaced evenly in mel and evaluated on each
bin's mel value, DC bin excluded; log(mel + 0.01). Examples are 96 consecutive frames (0.96 s), no overlap.

Usage: python3 vggish_logmel.py IN.f32 OUT.f64 [IN.f32 OUT.f64 ...]
  IN: raw little-endian float32 mono PCM at 16 kHz; OUT: raw float64 [frames][64].
"""

import sys

import numpy as np
import scipy.signal

SAMPLE_RATE = 16000
WINDOW = 400
HOP = 160
N_FFT = 512
N_MELS = 64
F_MIN = 125.0
F_MAX = 7500.0
LOG_OFFSET = 0.01
EXAMPLE_FRAMES = 96


def hz_to_mel(hz):
    return 1127.0 * np.log1p(np.asarray(hz, dtype=np.float64) / 700.0)


def mel_matrix(n_bins=N_FFT // 2 + 1, sample_rate=SAMPLE_RATE, n_mels=N_MELS, f_min=F_MIN, f_max=F_MAX):
    """[n_bins, n_mels] weights."""
    bin_mel = hz_to_mel(np.linspace(0.0, sample_rate / 2.0, n_bins))
    edges = np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (bin_mel[:, None] - lower[None, :]) / (center - lower)[None, :]
    falling = (upper[None, :] - bin_mel[:, None]) / (upper - center)[None, :]
    weights = np.clip(np.minimum(rising, falling), 0.0, None)
    weights[0, :] = 0.0
    return weights


def frames(pcm, window=WINDOW, hop=HOP):
    n = 0 if len(pcm) < window else 1 + (len(pcm) - window) // hop
    if n == 0:
        return np.zeros((0, window))
    idx = np.arange(window)[None, :] + hop * np.arange(n)[:, None]
    return pcm[idx]


def magnitude_spectrogram(pcm):
    # scipy's hann(sym=False) is the periodic form.
    window = scipy.signal.get_window("hann", WINDOW, fftbins=True)
    return np.abs(np.fft.rfft(frames(np.asarray(pcm, dtype=np.float64)) * window, N_FFT, axis=1))


def log_mel(pcm, offset=LOG_OFFSET):
    return np.log(magnitude_spectrogram(pcm) @ mel_matrix() + offset)


def examples(logmel):
    n = logmel.shape[0] // EXAMPLE_FRAMES
    return logmel[: n * EXAMPLE_FRAMES].reshape(n, EXAMPLE_FRAMES, N_MELS)


def main(args):
    if len(args) % 2 or not args:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        pcm = np.fromfile(src, dtype="<f4")
        log_mel(pcm).astype("<f8").tofile(dst)


if __name__ == "__main__":
    main(sys.argv[1:])
