"""Independent numpy reference for spectralDescriptors of @earshot/audio, from its written definition.

Per 25 ms frame (400 samples at 16 kHz, 10 ms hop, frames fully inside the signal), with X = rfft(periodic
Hann · frame, 512), |X| the magnitude over 257 bins, P = |X|², f = bin frequency / 8000 Hz:
  rms_db    10 log10(mean(frame²) + 1e-10), raw frame
  zcr       fraction of the 399 adjacent pairs with x[i-1]·x[i] < 0
  centroid  Σ f|X| / Σ|X|             (0 when Σ|X| = 0)
  spread    sqrt(Σ (f-centroid)²|X| / Σ|X|)
  rolloff   smallest f whose cumulative P reaches 0.85 ΣP (0 when ΣP = 0)
  flatness  exp(mean ln(P+1e-12)) / (mean P + 1e-12), bins 1..256
  flux      ‖|X|/(Σ|X|+1e-12) − previous‖₂, 0 for the first frame
  mfcc0-12  orthonormal DCT-II of ln(P @ M + 1e-10), M = 40 HTK-mel triangles 20–7800 Hz

Usage: python3 spectral_descriptors.py IN.f32 OUT.f64 [IN.f32 OUT.f64 ...]  (OUT: float64 [frames][20])
"""

import sys

import numpy as np
import scipy.fft
import scipy.signal

from vggish_logmel import N_FFT, WINDOW, frames, mel_matrix


def descriptors(pcm):
    pcm = np.asarray(pcm, dtype=np.float64)
    raw = frames(pcm)
    n = raw.shape[0]
    window = scipy.signal.get_window("hann", WINDOW, fftbins=True)
    mag = np.abs(np.fft.rfft(raw * window, N_FFT, axis=1))
    power = mag**2
    freq = np.arange(mag.shape[1]) / (mag.shape[1] - 1)

    rms_db = 10 * np.log10(np.mean(raw**2, axis=1) + 1e-10)
    zcr = np.sum(raw[:, :-1] * raw[:, 1:] < 0, axis=1) / (WINDOW - 1)

    msum = mag.sum(axis=1)
    safe = np.where(msum > 0, msum, 1.0)
    centroid = np.where(msum > 0, (mag @ freq) / safe, 0.0)
    spread = np.where(msum > 0, np.sqrt(np.sum((freq[None, :] - centroid[:, None]) ** 2 * mag, axis=1) / safe), 0.0)

    psum = power.sum(axis=1)
    reached = np.cumsum(power, axis=1) >= 0.85 * psum[:, None]
    rolloff = np.where(psum > 0, freq[np.argmax(reached, axis=1)], 0.0)

    p = power[:, 1:]
    flatness = np.exp(np.mean(np.log(p + 1e-12), axis=1)) / (np.mean(p, axis=1) + 1e-12)

    normed = mag / (msum[:, None] + 1e-12)
    flux = np.zeros(n)
    if n > 1:
        flux[1:] = np.linalg.norm(np.diff(normed, axis=0), axis=1)

    logmel40 = np.log(power @ mel_matrix(n_mels=40, f_min=20.0, f_max=7800.0) + 1e-10)
    mfcc = scipy.fft.dct(logmel40, type=2, norm="ortho", axis=1)[:, :13]

    return np.column_stack([rms_db, zcr, centroid, spread, rolloff, flatness, flux, mfcc])


def main(args):
    if len(args) % 2 or not args:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        descriptors(np.fromfile(src, dtype="<f4")).astype("<f8").tofile(dst)


if __name__ == "__main__":
    main(sys.argv[1:])
