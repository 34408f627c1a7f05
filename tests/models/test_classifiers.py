"""Classifier shapes, the dropout head, multi-channel inputs and local-only ImageNet weights."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn
from torchvision.models import resnet18

from medsynth_pipeline.models.classifiers import (
    ResNetClassifier,
    TwoLayerANN,
    adapt_first_conv,
    build_classifier,
)


def test_ann_has_two_fully_connected_layers() -> None:
    model = TwoLayerANN((2, 8, 8), hidden=16)
    linear = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(128, 16), (16, 2)]
    x = torch.rand(5, 2, 8, 8)
    assert model(x).shape == (5, 2) and model.embed(x).shape == (5, 16)


@pytest.mark.parametrize(("architecture", "channels", "size", "features"),
                         [("resnet18", 1, 16, 512), ("resnet18", 3, 32, 512), ("resnet50", 2, 16, 2048)])
def test_resnet_shapes(architecture: str, channels: int, size: int, features: int) -> None:
    model = build_classifier(architecture, (channels, size, size)).eval()
    x = torch.rand(2, channels, size, size)
    assert model(x).shape == (2, 2)
    assert model.embed(x).shape == (2, features)
    assert model.backbone.conv1.in_channels == channels


def test_resnet_head_has_dropout_half_before_linear() -> None:
    model = ResNetClassifier("resnet18", in_channels=1)
    assert isinstance(model.head[0], nn.Dropout) and model.head[0].p == 0.5
    assert isinstance(model.head[1], nn.Linear)
    model.train()
    x = torch.rand(4, 1, 16, 16)
    torch.manual_seed(0)
    assert not torch.allclose(model.head(model.embed(x)), model.head(model.embed(x)))  # dropout active


def test_imagenet_weights_only_from_a_local_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere.pth"):
        ResNetClassifier("resnet18", imagenet_weights=tmp_path / "nowhere.pth")
    reference = resnet18(weights=None)
    path = tmp_path / "resnet18-local.pth"
    torch.save(reference.state_dict(), path)
    model = ResNetClassifier("resnet18", in_channels=1, imagenet_weights=path)
    assert torch.equal(model.backbone.layer1[0].conv1.weight, reference.layer1[0].conv1.weight)
    assert torch.allclose(model.backbone.conv1.weight, reference.conv1.weight.sum(dim=1, keepdim=True))
    torch.save({"not": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(ValueError, match="bad.pth"):
        ResNetClassifier("resnet18", imagenet_weights=tmp_path / "bad.pth")


def test_first_conv_adaptation_preserves_uniform_response() -> None:
    weight = torch.randn(4, 3, 3, 3)
    for channels in (1, 2, 5):
        adapted = adapt_first_conv(weight, channels)
        assert adapted.shape == (4, channels, 3, 3)
        assert torch.allclose(adapted.sum(dim=1), weight.sum(dim=1), atol=1e-5)


def test_unknown_architecture() -> None:
    with pytest.raises(ValueError, match="vgg"):
        build_classifier("vgg", (1, 8, 8))


def test_resnet50_sees_the_224_centre_crop_of_larger_images() -> None:
    """004: "we center-crop the whole images from 240 × 240 to 224 × 224 pixels" before ResNet-50."""
    net = build_classifier("resnet50", (1, 240, 240), center_crop=224).eval()
    seen = []
    net.backbone.conv1.register_forward_hook(lambda module, inputs, output: seen.append(inputs[0]))
    image = torch.zeros(1, 1, 240, 240)
    image[..., 8:232, 8:232] = torch.arange(224.0 * 224).reshape(224, 224)  # the centre 224 x 224
    with torch.no_grad():
        net(image)
        net(torch.rand(1, 1, 64, 64))
    assert seen[0].shape[-2:] == (224, 224) and torch.equal(seen[0], image[..., 8:232, 8:232])
    assert seen[1].shape[-2:] == (64, 64)  # smaller inputs are not padded or resized by the crop
