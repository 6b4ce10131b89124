"""Collaborative Experts (CE) and MoEE for audio retrieval (Oncescu et al. 2021), scaled to a CPU.

Audio side, per expert: frontend features [B,T,D] + mask [B,T] -> small frame encoder -> NetVLAD (ghost cluster,
padding masked) -> linear to the shared size -> L2 norm. CE then gates every expert with collaborative gating over
all ordered expert pairs; MoEE instead applies a gated embedding unit per expert.
Text side: GloVe word vectors -> NetVLAD -> per expert linear + context gating + L2 norm; softmax mixture weights.
Similarity(text, audio) = sum_i w_i <t_i, a_i>.
"""

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class ExpertConfig:
    name: str
    frontend: str  # packages/audio frontend name (packages/model/README.md "Model bundle")
    input_dim: int
    hop_s: float = 0.01
    max_frames: int = 1000
    embed_dim: int = 256
    clusters: int = 16
    encoder: str = "cnn2d"  # "cnn2d" (log-mel image) or "conv1d" (descriptor sequence)
    pool: int = 4  # frames averaged before the encoder (10 ms frontends -> 40 ms)


@dataclass
class ModelConfig:
    experts: list[ExpertConfig] = field(default_factory=list)
    architecture: str = "CE"  # "CE" or "MoEE"
    word_dim: int = 100
    text_clusters: int = 20
    max_tokens: int = 24
    dropout: float = 0.0  # on the temporal aggregates (audio) and the text NetVLAD output, training only


class NetVLAD(nn.Module):
    """NetVLAD with ghost clusters: assignment = linear -> batch norm -> softmax over real+ghost clusters; ghosts are
    dropped. Masked frames get zero assignment (the reference code lets padding leak in). Per-cluster residuals are
    L2-normalised, flattened and L2-normalised again."""

    def __init__(self, dim: int, clusters: int, ghost: int = 1):
        super().__init__()
        self.clusters = clusters
        self.assign = nn.Linear(dim, clusters + ghost, bias=False)
        self.bn = nn.BatchNorm1d(clusters + ghost)
        self.centroids = nn.Parameter(torch.randn(clusters, dim) / math.sqrt(dim))
        self.out_dim = clusters * dim

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        logits = self.assign(x).reshape(b * t, -1)
        if self.training:
            # Batch statistics over real frames only.
            valid = mask.reshape(-1) > 0
            normed = torch.zeros_like(logits)
            normed[valid] = self.bn(logits[valid])
            logits = normed
        else:
            logits = self.bn(logits)
        a = torch.softmax(logits, dim=1)[:, : self.clusters].reshape(b, t, self.clusters) * mask.unsqueeze(2)
        vlad = torch.matmul(a.transpose(1, 2), x) - a.sum(1).unsqueeze(2) * self.centroids.unsqueeze(0)
        vlad = F.normalize(vlad, dim=2).reshape(b, self.clusters * d)
        return F.normalize(vlad, dim=1)


class Cnn2dEncoder(nn.Module):
    """Log-mel frames [B,T,64] -> [B,~T/4,out]: two small conv blocks treat the log-mel as an image (VGGish-like,
    but a few M multiply-adds per 10 s so the audio tower stays far above 200x real time)."""

    def __init__(self, bands: int, out: int = 128):
        super().__init__()
        # No batch norm here: inputs are standardised already and BN on full-resolution maps doubled the cost.
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.proj = nn.Linear(16 * (bands // 8), out)
        self.out_dim = out

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = F.pad(x, (0, 0, 0, 3))  # at least one output frame, even for a 1-frame input
        mask = F.pad(mask, (0, 3))
        h = x.unsqueeze(1)  # [B,1,T,F]
        h = F.max_pool2d(F.relu(self.conv1(h)), (2, 4))
        h = F.max_pool2d(F.relu(self.conv2(h)), (2, 2))
        b, c, t, f = h.shape
        h = F.relu(self.proj(h.permute(0, 2, 1, 3).reshape(b, t, c * f)))
        m = F.max_pool1d(F.max_pool1d(mask.unsqueeze(1), 2), 2).squeeze(1)
        return h, m


class Conv1dEncoder(nn.Module):
    """Descriptor sequence [B,T,D] -> [B,~T/4,out] with two temporal conv blocks."""

    def __init__(self, dim: int, out: int = 64):
        super().__init__()
        self.conv1 = nn.Conv1d(dim, out, 5, padding=2)
        self.conv2 = nn.Conv1d(out, out, 5, padding=2)
        self.out_dim = out

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = F.pad(x, (0, 0, 0, 3))
        mask = F.pad(mask, (0, 3))
        h = F.max_pool1d(F.relu(self.conv1(x.transpose(1, 2))), 2)
        h = F.max_pool1d(F.relu(self.conv2(h)), 2).transpose(1, 2)
        m = F.max_pool1d(F.max_pool1d(mask.unsqueeze(1), 2), 2).squeeze(1)
        return h, m


class ContextGating(nn.Module):
    """x * sigmoid(BN(fc(x)))."""

    def __init__(self, dim: int):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.bn = nn.BatchNorm1d(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.bn(self.fc(x)))


class GatedEmbeddingUnit(nn.Module):
    """MoEE's GEU: linear -> context gating -> L2 norm."""

    def __init__(self, dim_in: int, dim_out: int):
        super().__init__()
        self.fc = nn.Linear(dim_in, dim_out)
        self.cg = ContextGating(dim_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.cg(self.fc(x)), dim=1)


class ExpertBranch(nn.Module):
    """One audio expert up to its temporal aggregate. Fixed input standardisation is part of the tower."""

    def __init__(self, cfg: ExpertConfig):
        super().__init__()
        self.register_buffer("mean", torch.zeros(cfg.input_dim))
        self.register_buffer("std", torch.ones(cfg.input_dim))
        self.encoder = Cnn2dEncoder(cfg.input_dim) if cfg.encoder == "cnn2d" else Conv1dEncoder(cfg.input_dim)
        self.vlad = NetVLAD(self.encoder.out_dim, cfg.clusters)
        self.out_dim = self.vlad.out_dim
        self.pool = cfg.pool
        self.spec_augment = False  # set by train.py; never part of the exported tower

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean) / self.std * mask.unsqueeze(2)
        if self.training and self.spec_augment:
            x = spec_augment(x, mask)
        if self.pool > 1:
            x, mask = masked_time_pool(x, mask, self.pool)
        h, m = self.encoder(x, mask)
        return self.vlad(h, m)


def spec_augment(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """SpecAugment-style masking of standardised features (0 = the training mean): per example one band of up to
    1/8 of the dimensions and two time spans of up to 1/10 of its real length. With ~2k labelled clips the tower
    otherwise memorises them within a few epochs."""
    b, t, d = x.shape
    dims = torch.arange(d).unsqueeze(0)
    width = torch.randint(0, d // 8 + 1, (b, 1))
    start = (torch.rand(b, 1) * (d - width + 1)).long()
    drop = ((dims >= start) & (dims < start + width)).unsqueeze(1)  # [B,1,D]
    frames = torch.arange(t).unsqueeze(0)
    length = mask.sum(1, keepdim=True)
    for _ in range(2):
        span = (torch.rand(b, 1) * length * 0.1).long()
        at = (torch.rand(b, 1) * (length - span + 1)).long()
        drop = drop | ((frames >= at) & (frames < at + span)).unsqueeze(2)
    return x.masked_fill(drop, 0.0)


def masked_time_pool(x: torch.Tensor, mask: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Averages real frames in blocks of k (padding excluded); a block with any real frame is real."""
    x = F.pad(x * mask.unsqueeze(2), (0, 0, 0, k - 1))
    mask = F.pad(mask, (0, k - 1))
    xs = F.avg_pool1d(x.transpose(1, 2), k).transpose(1, 2)
    ms = F.avg_pool1d(mask.unsqueeze(1), k).squeeze(1)
    return xs / ms.clamp(min=1e-6).unsqueeze(2), (ms > 0).to(x.dtype)


class CollaborativeGating(nn.Module):
    """For expert i: mask_i = mean_j g([x_i, x_j]) over all j (including i), g a shared MLP;
    out_i = L2norm(x_i * sigmoid(BN(fc_i(x_i)) + BN(mask_i)))."""

    def __init__(self, n: int, dim: int):
        super().__init__()
        self.g = nn.Sequential(
            nn.Linear(2 * dim, dim),
            nn.BatchNorm1d(dim), nn.Mish(), nn.Linear(dim, dim),
            nn.BatchNorm1d(dim), nn.Mish(), nn.Linear(dim, dim),
        )
        self.fc = nn.ModuleList(nn.Linear(dim, dim) for _ in range(n))
        self.bn_x = nn.ModuleList(nn.BatchNorm1d(dim) for _ in range(n))
        self.bn_m = nn.ModuleList(nn.BatchNorm1d(dim) for _ in range(n))

    def forward(self, xs: list[torch.Tensor]) -> list[torch.Tensor]:
        out = []
        for i, x in enumerate(xs):
            mask = torch.stack([self.g(torch.cat([x, y], dim=1)) for y in xs]).mean(0)
            gate = torch.sigmoid(self.bn_x[i](self.fc[i](x)) + self.bn_m[i](mask))
            out.append(F.normalize(x * gate, dim=1))
        return out


class AudioTower(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.branches = nn.ModuleList(ExpertBranch(e) for e in cfg.experts)
        if cfg.architecture == "CE":
            dim = cfg.experts[0].embed_dim
            assert all(e.embed_dim == dim for e in cfg.experts), "CE shares one embedding size"
            self.project = nn.ModuleList(nn.Linear(b.out_dim, dim) for b in self.branches)
            self.cg = CollaborativeGating(len(cfg.experts), dim)
        else:
            self.geu = nn.ModuleList(GatedEmbeddingUnit(b.out_dim, e.embed_dim) for b, e in zip(self.branches, cfg.experts))

    def forward(self, *inputs: torch.Tensor) -> list[torch.Tensor]:
        """inputs: x_0, mask_0, x_1, mask_1, ... in expert order -> unit embedding per expert."""
        aggs = [F.dropout(b(inputs[2 * i], inputs[2 * i + 1]), self.cfg.dropout, self.training)
                for i, b in enumerate(self.branches)]
        if self.cfg.architecture == "CE":
            return self.cg([F.normalize(p(a), dim=1) for p, a in zip(self.project, aggs)])
        return [g(a) for g, a in zip(self.geu, aggs)]


class TextTower(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.dropout = cfg.dropout
        self.vlad = NetVLAD(cfg.word_dim, cfg.text_clusters)
        d = self.vlad.out_dim
        self.heads = nn.ModuleList(GatedEmbeddingUnit(d, e.embed_dim) for e in cfg.experts)
        self.weights = nn.Linear(d, len(cfg.experts))

    def forward(self, words: torch.Tensor, mask: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        v = F.dropout(self.vlad(words, mask), self.dropout, self.training)
        return [h(v) for h in self.heads], torch.softmax(self.weights(v), dim=1)


class RetrievalModel(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.audio = AudioTower(cfg)
        self.text = TextTower(cfg)


def similarity(text_emb: list[torch.Tensor], weights: torch.Tensor, audio_emb: list[torch.Tensor]) -> torch.Tensor:
    """[B_text, B_audio] = sum_i w_i <t_i, a_i> (the inner product of the serving-form vectors)."""
    return sum(weights[:, i : i + 1] * (t @ a.t()) for i, (t, a) in enumerate(zip(text_emb, audio_emb)))


def max_margin_loss(sim: torch.Tensor, margin: float | torch.Tensor, same: torch.Tensor | None = None) -> torch.Tensor:
    """Bidirectional max-margin ranking loss over a square batch similarity matrix, diagonal excluded, mean.
    margin is one number or one per pair [B, B] (symmetric). `same` marks pairs that share a caption label: they are
    not negatives (not in the reference code, but with few distinct labels per batch they would otherwise push
    identical sounds apart)."""
    pos = sim.diag().unsqueeze(1)
    neg = ~torch.eye(sim.shape[0], dtype=torch.bool)
    if same is not None:
        neg = neg & ~same
    t2a = F.relu(margin + sim - pos)  # row i: text i against every audio
    a2t = F.relu(margin + sim.t() - pos)  # row i: audio i against every text
    n = neg.sum().clamp(min=1)
    return ((t2a * neg).sum() + (a2t * neg).sum()) / (2 * n)
