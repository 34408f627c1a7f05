"""FID / IS / KID equal torch-fidelity's on the same inputs and weights; nothing is ever downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch_fidelity
import torchvision
from torch import nn

from medsynth_pipeline.metrics import inception
from medsynth_pipeline.metrics.inception import (
    InceptionScorer,
    inception_metrics,
    inception_not_computed,
    resolve_inception_weights,
    to_inception_uint8,
)

N_IMAGES = 4
SPLITS = 2


@pytest.fixture(scope="module")
def random_inception_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state_dict with torch-fidelity's Inception layout and random weights (the real file is absent here).

    Kaiming-initialised convolutions keep activations finite through the 94 layers, so features differ
    between image sets and the comparison is not between two infinities.
    """
    torch.manual_seed(0)
    net = torchvision.models.inception_v3(weights=None, aux_logits=False, num_classes=1008, init_weights=False)
    for module in net.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
    path = tmp_path_factory.mktemp("weights") / "random-inception.pth"
    torch.save(net.state_dict(), path)
    return path


class _Uint8Set(torch.utils.data.Dataset):
    def __init__(self, images: torch.Tensor) -> None:
        self.images = images

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.images[index]


def _two_channel_sets() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    real = torch.rand(N_IMAGES, 2, 16, 16, generator=generator)
    synthetic = (torch.rand(N_IMAGES, 2, 16, 16, generator=generator) * 0.6 + 0.2).clamp(0, 1)
    return real, synthetic


def test_fid_is_kid_equal_torch_fidelity_per_modality(random_inception_weights: Path) -> None:
    real, synthetic = _two_channel_sets()
    names = ["T2W", "ADC"]
    scorer = InceptionScorer(random_inception_weights, batch_size=N_IMAGES)
    only_adc = slice(1, 2)  # one modality keeps the test short; the other takes the same code path
    real_features = scorer.features_per_modality(real[:, only_adc], names[only_adc], label="real")
    synthetic_features = scorer.features_per_modality(synthetic[:, only_adc], names[only_adc], label="synthetic")
    ours = {r.name: r.value for r in inception_metrics(real_features, synthetic_features, names[only_adc],
                                                       is_splits=SPLITS, kid_subsets=5, kid_subset_size=N_IMAGES)}

    reference = torch_fidelity.calculate_metrics(
        input1=_Uint8Set(to_inception_uint8(synthetic, [1])),  # ADC replicated to RGB
        input2=_Uint8Set(to_inception_uint8(real, [1])),
        fid=True, isc=True, kid=True, isc_splits=SPLITS, kid_subsets=5, kid_subset_size=N_IMAGES,
        feature_extractor_weights_path=str(random_inception_weights), cuda=False, batch_size=N_IMAGES,
        save_cpu_ram=True, cache=False, verbose=False,
    )
    assert ours["FID-ADC"] > 1e-3  # different sets, so equality below is not 0 == 0
    assert ours["FID-ADC"] == pytest.approx(reference["frechet_inception_distance"], rel=1e-6)
    assert ours["IS-ADC"] == pytest.approx(reference["inception_score_mean"], rel=1e-6)
    assert ours["KID-ADC"] == pytest.approx(reference["kernel_inception_distance_mean"], rel=1e-6, abs=1e-9)


def test_uint8_conversion_replicates_one_channel_and_rounds() -> None:
    images = torch.tensor([[[[0.0, 1.0]], [[0.5, 0.2]]]])  # [1, 2, 1, 2]
    rgb = to_inception_uint8(images, [1])
    assert rgb.shape == (1, 3, 1, 2) and rgb.dtype == torch.uint8
    assert torch.equal(rgb[0, 0], rgb[0, 2]) and rgb[0, 0].tolist() == [[128, 51]]
    assert to_inception_uint8(images[:, :1]).shape == (1, 3, 1, 2)  # grayscale replicated
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        to_inception_uint8(images * 2)
    with pytest.raises(ValueError, match="cannot map"):
        to_inception_uint8(images)  # 2 channels cannot be RGB without choosing


def test_absent_weights_are_reported_not_downloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path / "hub"))
    path, reason = resolve_inception_weights(None)
    assert path is None and "not available offline" in reason

    path, reason = resolve_inception_weights(tmp_path / "typo.pth")
    assert path is None and "typo.pth" in reason and "does not exist" in reason

    cached = tmp_path / "hub" / "checkpoints" / inception.TORCH_FIDELITY_WEIGHTS_NAME
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"")
    assert resolve_inception_weights(None) == (cached, "")

    results = inception_not_computed(["T2W", "ADC", "KTRANS"], reason)
    assert {r.name for r in results} >= {"FID-ADC", "IS-T2W", "KID-KTRANS", "FID-joint-T2W+ADC+KTRANS"}
    assert all(r.value is None and r.status == "not computed" and r.reason for r in results)


def test_loader_refuses_missing_file_before_any_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a download was attempted")

    monkeypatch.setattr("torch_fidelity.feature_extractor_inceptionv3.load_state_dict_from_url", no_network)
    with pytest.raises(FileNotFoundError, match="missing.pth"):
        InceptionScorer(tmp_path / "missing.pth")
    bad = tmp_path / "bad.pth"
    torch.save({"fc.weight": torch.zeros(1)}, bad)
    with pytest.raises(ValueError, match="bad.pth"):
        InceptionScorer(bad)


def test_set_scoring_reports_inception_metrics_when_weights_exist(random_inception_weights: Path) -> None:
    from medsynth_pipeline.metrics.scoring import ScoringSettings, score_image_sets

    generator = torch.Generator().manual_seed(2)
    real, synthetic = torch.rand(3, 1, 8, 8, generator=generator), torch.rand(3, 1, 8, 8, generator=generator)
    table = score_image_sets(real, ["a", "b", "c"], {"set0": synthetic}, ["ADC"], ScoringSettings(kid_subsets=2),
                             inception=InceptionScorer(random_inception_weights, batch_size=3))
    by = table.set_index("metric")
    assert (by.loc[["FID-ADC", "IS-ADC", "KID-ADC"], "status"] == "computed").all()
    assert by.loc["FID-ADC", "value"] > 0 and by.loc["FID-ADC", "features"].startswith("Inception-v3")
