"""Downstream classifiers of the evaluation: 002's two-layer ANN and 004's ResNet with dropout 0.5.

Every classifier exposes ``embed(x)`` (the features the domain metrics use: the ANN's hidden layer, the
ResNet's pooled features) and ``forward(x)`` (class logits). Inputs are ``[N, C, H, W]`` floats in [0, 1].
ResNets are torchvision's definitions; ImageNet weights are only ever read from a local file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import resnet18, resnet50

RESNETS = {"resnet18": resnet18, "resnet50": resnet50}
# torchvision's ImageNet statistics, averaged over RGB because MR channels are not colours.
IMAGENET_MEAN = (0.485 + 0.456 + 0.406) / 3
IMAGENET_STD = (0.229 + 0.224 + 0.225) / 3


class TwoLayerANN(nn.Module):
    """002's slice-level classifier: flatten -> FC -> ReLU -> FC (two fully connected layers)."""

    def __init__(self, in_shape: Sequence[int], hidden: int, n_classes: int = 2) -> None:
        super().__init__()
        self.in_shape = tuple(in_shape)
        self.hidden = nn.Linear(math.prod(self.in_shape), hidden)
        self.head = nn.Linear(hidden, n_classes)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.hidden(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))


def adapt_first_conv(weight: torch.Tensor, in_channels: int) -> torch.Tensor:
    """RGB conv1 kernels for ``in_channels`` inputs with the same response to a uniform input.

    Each input channel gets the RGB kernels summed and divided by ``in_channels`` (MR channels are not
    colours, so no RGB kernel is a better match for one of them than another).
    """
    if in_channels == 3:
        return weight
    return weight.sum(dim=1, keepdim=True).repeat(1, in_channels, 1, 1) / in_channels


def load_imagenet_weights(path: str | Path, depth_name: str) -> dict[str, torch.Tensor]:
    """A torchvision ImageNet ``state_dict`` from a local file (never downloaded), validated by keys."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: configured ImageNet weights for {depth_name} not found")
    state = torch.load(path, map_location="cpu", weights_only=True)
    expected = set(RESNETS[depth_name]().state_dict())
    if not isinstance(state, dict) or set(state) != expected:
        raise ValueError(f"{path}: not a torchvision {depth_name} ImageNet state_dict")
    return state


class ResNetClassifier(nn.Module):
    """torchvision ResNet-18/50 for ``in_channels`` 2-D inputs with dropout before a new linear head.

    004 uses ResNet-50 pre-trained on ImageNet with dropout 0.5 before the final layer, on images
    centre-cropped "from 240 × 240 to 224 × 224 pixels" to fit ResNet-50's input size: ``center_crop``
    crops every input larger than it (smaller inputs pass unchanged); ``input_size`` then optionally resizes
    (bilinear) to the size the ImageNet weights were trained at.
    """

    def __init__(
        self,
        depth: str = "resnet18",
        in_channels: int = 1,
        n_classes: int = 2,
        dropout: float = 0.5,
        imagenet_weights: str | Path | None = None,
        input_size: int | None = None,
        center_crop: int | None = None,
    ) -> None:
        super().__init__()
        if depth not in RESNETS:
            raise ValueError(f"unknown ResNet {depth!r}; choose one of {sorted(RESNETS)}")
        backbone = RESNETS[depth](weights=None)
        if imagenet_weights:
            backbone.load_state_dict(load_imagenet_weights(imagenet_weights, depth))
        conv1 = backbone.conv1
        backbone.conv1 = nn.Conv2d(in_channels, conv1.out_channels, conv1.kernel_size, conv1.stride,
                                   conv1.padding, bias=False)
        with torch.no_grad():
            if imagenet_weights:
                backbone.conv1.weight.copy_(adapt_first_conv(conv1.weight, in_channels))
        n_features = backbone.fc.in_features
        backbone.fc = nn.Identity()
        self.backbone = backbone
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_features, n_classes))
        self.input_size = input_size
        self.center_crop = center_crop
        self.pretrained = bool(imagenet_weights)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        crop = self.center_crop
        if crop and (x.shape[-2] > crop or x.shape[-1] > crop):
            top, left = max((x.shape[-2] - crop) // 2, 0), max((x.shape[-1] - crop) // 2, 0)
            x = x[..., top:top + crop, left:left + crop]
        if self.input_size and x.shape[-1] != self.input_size:
            x = F.interpolate(x, size=(self.input_size, self.input_size), mode="bilinear", align_corners=False)
        if self.pretrained:
            x = (x - IMAGENET_MEAN) / IMAGENET_STD
        return self.backbone(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))


def build_classifier(
    architecture: str,
    in_shape: Sequence[int],
    n_classes: int = 2,
    hidden: int = 256,
    dropout: float = 0.5,
    imagenet_weights: str | Path | None = None,
    input_size: int | None = None,
    center_crop: int | None = None,
) -> nn.Module:
    """``"ann"`` (002), ``"resnet18"`` or ``"resnet50"`` (004) for inputs of shape ``in_shape = (C, H, W)``."""
    if architecture == "ann":
        return TwoLayerANN(in_shape, hidden, n_classes)
    if architecture in RESNETS:
        return ResNetClassifier(architecture, in_shape[0], n_classes, dropout, imagenet_weights, input_size, center_crop)
    raise ValueError(f"unknown classifier {architecture!r}; choose 'ann', 'resnet18' or 'resnet50'")


def display_name(architecture: str) -> str:
    """Name used in metric names, e.g. ``FD-ResNet18-real``."""
    return {"ann": "ANN", "resnet18": "ResNet18", "resnet50": "ResNet50"}.get(architecture, architecture)
