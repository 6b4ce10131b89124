"""YAMNet (MobileNetV1 on 96x64 log-mel patches) as a PyTorch module, with its weights read from a .tflite file.

The graph's network section is walked in order (CONV_2D / DEPTHWISE_CONV_2D ... MEAN, FULLY_CONNECTED, LOGISTIC);
each layer's kernel, stride, padding and activation come from the file, so the structure is checked, not assumed.
Batch norm is already folded into the convolutions' bias. int8 weights are dequantized per output channel.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .tflite import TFLiteModel

PATCH_FRAMES = 96
MEL_BANDS = 64
EMBEDDING_DIMS = 1024
CLASSES = 521
# TFLite's fused activation codes.
ACTIVATIONS = {0: None, 1: nn.ReLU, 3: nn.ReLU6}
SAME, VALID = 0, 1


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's SAME: output ceil(size / stride); the odd pixel of padding goes after, not before."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class TfConv(nn.Module):
    """A convolution with TensorFlow's asymmetric SAME padding, computed once for a fixed input size."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, stride: int, padding: int, activation, groups: int, hw):
        super().__init__()
        out_ch, in_per_group, kh, kw = weight.shape
        self.conv = nn.Conv2d(in_per_group * groups, out_ch, (kh, kw), stride=stride, groups=groups, bias=True)
        with torch.no_grad():
            self.conv.weight.copy_(torch.from_numpy(weight))
            self.conv.bias.copy_(torch.from_numpy(bias))
        if padding == SAME:
            top, bottom = same_padding(hw[0], kh, stride)
            left, right = same_padding(hw[1], kw, stride)
            self.pad = (left, right, top, bottom)
        else:
            self.pad = (0, 0, 0, 0)
        self.act = ACTIVATIONS[activation]() if ACTIVATIONS[activation] else nn.Identity()
        h = hw[0] + self.pad[2] + self.pad[3]
        w = hw[1] + self.pad[0] + self.pad[1]
        self.out_hw = ((h - kh) // stride + 1, (w - kw) // stride + 1)

    def forward(self, x):
        if any(self.pad):
            x = nn.functional.pad(x, self.pad)
        return self.act(self.conv(x))


class YAMNet(nn.Module):
    """[P, 96, 64] log-mel patches -> (scores [P, 521] after the sigmoid, embeddings [P, 1024])."""

    def __init__(self, layers: list[TfConv], dense_w: np.ndarray, dense_b: np.ndarray):
        super().__init__()
        self.layers = nn.Sequential(*layers)
        self.dense = nn.Linear(dense_w.shape[1], dense_w.shape[0])
        with torch.no_grad():
            self.dense.weight.copy_(torch.from_numpy(dense_w))
            self.dense.bias.copy_(torch.from_numpy(dense_b))

    def forward(self, patches):
        x = self.layers(patches.unsqueeze(1))
        embeddings = x.mean(dim=(2, 3))
        return torch.sigmoid(self.dense(embeddings)), embeddings


def conv_option(op, field: int) -> int:
    return op.option(field, "i" if field in (1, 2) else "b")


def load_yamnet(path) -> YAMNet:
    model = TFLiteModel.load(path)
    first = next(i for i, op in enumerate(model.operators) if op.name == "CONV_2D")
    layers: list[TfConv] = []
    hw = (PATCH_FRAMES, MEL_BANDS)
    dense = None
    ops = model.operators[first:]
    for op in ops:
        if op.name == "CONV_2D":
            # Conv2DOptions: padding, stride_w, stride_h, fused activation. Filter [out, kh, kw, in].
            w = model.constant(op.inputs[1]).transpose(0, 3, 1, 2)
            stride = (op.option(1, "i", 1), op.option(2, "i", 1))
            act, groups = op.option(3, "b"), 1
        elif op.name == "DEPTHWISE_CONV_2D":
            # DepthwiseConv2DOptions: padding, stride_w, stride_h, depth multiplier, activation. Filter [1, kh, kw, C].
            w = model.constant(op.inputs[1]).transpose(3, 0, 1, 2)
            stride = (op.option(1, "i", 1), op.option(2, "i", 1))
            act, groups = op.option(4, "b"), w.shape[0]
            if op.option(3, "i", 1) != 1:
                raise ValueError("depthwise layer with a depth multiplier other than 1")
        elif op.name == "MEAN":
            continue
        elif op.name == "FULLY_CONNECTED":
            dense = (model.constant(op.inputs[1]), model.constant(op.inputs[2]))
            continue
        elif op.name == "LOGISTIC":
            break
        else:
            raise ValueError(f"unexpected {op.name} in YAMNet's network section")
        if stride[0] != stride[1]:
            raise ValueError("non-square stride")
        bias = model.constant(op.inputs[2])
        layer = TfConv(np.ascontiguousarray(w), bias, stride[0], op.option(0, "b"), act, groups, hw)
        hw = layer.out_hw
        layers.append(layer)
    if dense is None or len(layers) != 27:
        raise ValueError(f"expected 27 convolutions and a dense layer, found {len(layers)}")
    if dense[0].shape != (CLASSES, EMBEDDING_DIMS):
        raise ValueError(f"dense layer {dense[0].shape}, expected {(CLASSES, EMBEDDING_DIMS)}")
    return YAMNet(layers, dense[0], dense[1]).eval()


def tflite_front_end(path) -> tuple[np.ndarray, np.ndarray, float]:
    """The constants of the file's own front end, for checking ours: the 400-point STFT window, the 64x257 mel
    matrix (int8, dequantized) and the log offset (the mel layer's bias)."""
    model = TFLiteModel.load(path)
    mel_op = next(op for op in model.operators if op.name == "FULLY_CONNECTED")
    offsets = model.constant(mel_op.inputs[2])
    windows = [t.values() for t in model.tensors if t.shape == (400,) and t.dtype == np.float32 and t.data is not None]
    if len(windows) != 1 or np.ptp(offsets) != 0:
        raise ValueError("the file's front end is not the expected STFT window + mel layer")
    return windows[0], model.constant(mel_op.inputs[1]), float(offsets[0])
