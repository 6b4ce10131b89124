"""EfficientAT mn04_as (MobileNetV3, width 0.4, squeeze-excitation) as a PyTorch module.

Channel counts and kernel sizes are read from the state_dict; what a state_dict cannot hold (each block's stride
and activation) follows MobileNetV3-Large's published block table, which the 15 blocks here must match.
Input [B, 1, 128, T] log-mel; outputs logits [B, 527] passed through a sigmoid, and the 384-d pooled embedding
before the classifier head.
"""

from __future__ import annotations

import torch
from torch import nn

# MobileNetV3-Large's 15 inverted-residual blocks: (stride, activation) per block.
BLOCK_TABLE = [
    (1, "RE"), (2, "RE"), (1, "RE"), (2, "RE"), (1, "RE"), (1, "RE"),
    (2, "HS"), (1, "HS"), (1, "HS"), (1, "HS"), (1, "HS"), (1, "HS"),
    (2, "HS"), (1, "HS"), (1, "HS"),
]  # fmt: skip
BN_EPS = 0.001
CLASSES = 527


def act(kind: str) -> nn.Module:
    return nn.ReLU() if kind == "RE" else nn.Hardswish()


class ConvBnAct(nn.Sequential):
    """Conv (no bias), batch norm and an optional activation, named 0/1/2 as in the checkpoint."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int = 1, groups: int = 1, activation=None):
        layers = [
            nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout, eps=BN_EPS),
        ]
        if activation is not None:
            layers.append(activation)
        super().__init__(*layers)


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, squeezed: int):
        super().__init__()
        self.fc1 = nn.Linear(channels, squeezed)
        self.fc2 = nn.Linear(squeezed, channels)

    def forward(self, x):
        s = torch.relu(self.fc1(x.mean(dim=(2, 3))))
        return x * nn.functional.hardsigmoid(self.fc2(s))[:, :, None, None]


class ConcurrentSE(nn.Module):
    """Holds the SE layers under `conc_se_layers` as the checkpoint names them; mn04_as has one (channel) SE."""

    def __init__(self, channels: int, squeezed: int):
        super().__init__()
        self.conc_se_layers = nn.ModuleList([SqueezeExcite(channels, squeezed)])

    def forward(self, x):
        return self.conc_se_layers[0](x)


class InvertedResidual(nn.Module):
    def __init__(self, cin, expanded, cout, kernel, stride, activation: str, se_dims: int | None):
        super().__init__()
        layers: list[nn.Module] = []
        if expanded != cin:
            layers.append(ConvBnAct(cin, expanded, 1, activation=act(activation)))
        layers.append(ConvBnAct(expanded, expanded, kernel, stride, groups=expanded, activation=act(activation)))
        if se_dims is not None:
            layers.append(ConcurrentSE(expanded, se_dims))
        layers.append(ConvBnAct(expanded, cout, 1))
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class MN04(nn.Module):
    def __init__(self, state: dict[str, torch.Tensor]):
        super().__init__()
        stem = state["features.0.0.weight"]
        features: list[nn.Module] = [
            ConvBnAct(stem.shape[1], stem.shape[0], stem.shape[2], 2, activation=nn.Hardswish())
        ]
        for i, (stride, activation) in enumerate(BLOCK_TABLE, start=1):
            prefix = f"features.{i}.block."
            convs = sorted({k[len(prefix) :].split(".")[0] for k in state if k.startswith(prefix)}, key=int)
            has_expand = len(convs) == (4 if f"{prefix}2.conc_se_layers.0.fc1.weight" in state else 3)
            dw_index = 1 if has_expand else 0
            dw = state[f"{prefix}{dw_index}.0.weight"]
            cin = state[f"{prefix}0.0.weight"].shape[1] if has_expand else dw.shape[0]
            se_key = f"{prefix}{dw_index + 1}.conc_se_layers.0.fc1.weight"
            se = state[se_key].shape[0] if se_key in state else None
            cout = state[f"{prefix}{convs[-1]}.0.weight"].shape[0]
            features.append(InvertedResidual(cin, dw.shape[0], cout, dw.shape[2], stride, activation, se))
        last = state[f"features.{len(BLOCK_TABLE) + 1}.0.weight"]
        features.append(ConvBnAct(last.shape[1], last.shape[0], 1, activation=nn.Hardswish()))
        self.features = nn.Sequential(*features)
        hidden = state["classifier.2.weight"]
        out = state["classifier.5.weight"]
        # Indices 2 and 5 as in the checkpoint: pool, flatten, linear, hardswish, dropout, linear.
        self.classifier = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(hidden.shape[1], hidden.shape[0]),
            nn.Hardswish(),
            nn.Dropout(0.0),
            nn.Linear(out.shape[1], out.shape[0]),
        )
        self.load_state_dict(state, strict=True)
        self.eval()

    @property
    def embedding_dims(self) -> int:
        return self.classifier[2].in_features

    def forward(self, logmel):
        x = self.features(logmel)
        embedding = x.mean(dim=(2, 3))
        hidden = self.classifier[3](self.classifier[2](embedding))
        return torch.sigmoid(self.classifier[5](hidden)), embedding


def load_mn04(path) -> MN04:
    state = torch.load(path, map_location="cpu")
    if not isinstance(state, dict):
        raise ValueError(f"{path}: expected a state_dict")
    return MN04(state)
