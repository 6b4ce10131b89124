"""Independent numpy reference for YAMNet's front end (@earshot/audio yamnetPatches).

YAMNet reads VGGish's log-mel (see vggish_logmel.py) with log(mel + 0.001) instead of 0.01, and cuts it into
patches of 96 frames every 48 frames (0.96 s every 0.48 s). Before framing, the waveform is zero-padded at the end
to at least 0.975 s (one whole patch: 400 + 95 * 160 samples) and then up to a whole number of 0.48 s patch hops,
so the last samples always land in a patch: P = 1 + ceil(max(0, n - 15600) / 7680).

Usage: python3 yamnet_logmel.py IN.f32 OUT.f64 [IN.f32 OUT.f64 ...]
  IN: raw little-endian float32 mono PCM at 16 kHz; OUT: raw float64 [patches][96][64].
"""

import sys

import numpy as np
import vggish_logmel as vggish

LOG_OFFSET = 0.001
PATCH_FRAMES = 96
PATCH_HOP_FRAMES = 48
MIN_SAMPLES = vggish.WINDOW + (PATCH_FRAMES - 1) * vggish.HOP
PATCH_HOP_SAMPLES = PATCH_HOP_FRAMES * vggish.HOP


def padded(pcm):
    n = len(pcm)
    hops = -(-max(0, n - MIN_SAMPLES) // PATCH_HOP_SAMPLES)
    out = np.zeros(MIN_SAMPLES + hops * PATCH_HOP_SAMPLES)
    out[:n] = pcm
    return out


def patches(pcm):
    """[P, 96, 64] float64."""
    logmel = vggish.log_mel(padded(np.asarray(pcm, dtype=np.float64)), LOG_OFFSET)
    count = 1 + (logmel.shape[0] - PATCH_FRAMES) // PATCH_HOP_FRAMES
    return np.stack([logmel[p * PATCH_HOP_FRAMES : p * PATCH_HOP_FRAMES + PATCH_FRAMES] for p in range(count)])


def main(args):
    if len(args) % 2 or not args:
        sys.exit(__doc__)
    for src, dst in zip(args[::2], args[1::2]):
        patches(np.fromfile(src, dtype="<f4")).astype("<f8").tofile(dst)


if __name__ == "__main__":
    main(sys.argv[1:])
