"""FID, IS and KID exactly as torch-fidelity computes them, without ever downloading weights.

torch-fidelity's own ``FeatureExtractorInceptionV3`` is used (its TF-compatible bilinear resize to 299,
``(x - 128) / 128`` normalisation, ``2048`` pool features for FID/KID and ``logits_unbiased`` for IS); only
the weights come from a local file, passed by path so torch-fidelity's download branch is never reached.

Medical images are handled per modality, as 002 reports IS-ADC and IS-T2w: each channel of a
``[N, C, H, W]`` float image in [0, 1] is quantised to uint8 (``round(255 x)``) and replicated to the three
RGB channels Inception expects. A 3-channel image can also be scored jointly, its channels fed as RGB
(``FID-joint-T2W+ADC+KTRANS``); that is named as such because the channels are not colours.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import torch
from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3

from medsynth_pipeline.metrics.distribution import frechet_distance, inception_style_score, kernel_distance
from medsynth_pipeline.metrics.results import MetricResult

log = logging.getLogger(__name__)

TORCH_FIDELITY_WEIGHTS_NAME = "weights-inception-2015-12-05-6726825d.pth"
PYTORCH_FID_WEIGHTS_NAME = "pt_inception-2015-12-05-6726825d.pth"
FEATURE_EXTRACTOR_NAME = "inception-v3-compat"  # torch-fidelity's registry name of this extractor
POOL_FEATURES = "2048"
IS_LOGITS = "logits_unbiased"
JOINT = "joint"


def torch_hub_checkpoint_dir() -> Path:
    """Where torch-fidelity's downloader would have cached the weights (``$TORCH_HOME/hub/checkpoints``)."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def resolve_inception_weights(configured_path: str | Path | None, search_torch_cache: bool = True) -> tuple[Path | None, str]:
    """Find the FID Inception weights locally. Returns ``(path, "")`` or ``(None, reason)``; never downloads.

    A configured path that does not exist is reported (not silently replaced by the cache), so a typo in
    ``conf/local`` is visible in the report.
    """
    if configured_path:
        path = Path(configured_path).expanduser()
        if path.is_file():
            return path, ""
        return None, f"configured FID weights file {path} does not exist"
    if search_torch_cache:
        for name in (TORCH_FIDELITY_WEIGHTS_NAME, PYTORCH_FID_WEIGHTS_NAME):
            candidate = torch_hub_checkpoint_dir() / name
            if candidate.is_file():
                return candidate, ""
    return None, (
        "Inception-v3 FID weights not available offline: no configured path and no "
        f"{TORCH_FIDELITY_WEIGHTS_NAME} in {torch_hub_checkpoint_dir()} (see docs/evaluation.md)"
    )


def to_inception_uint8(images: torch.Tensor, channels: Sequence[int] | None = None, what: str = "images") -> torch.Tensor:
    """``[N, C, H, W]`` floats in [0, 1] -> ``[N, 3, H, W]`` uint8 for torch-fidelity.

    ``channels=[c]`` replicates one modality to RGB; ``channels=[c0, c1, c2]`` feeds three as RGB;
    ``None`` means the image is already 1 (replicated) or 3 channels.
    """
    if images.dim() != 4:
        raise ValueError(f"{what}: expected [N, C, H, W], got shape {tuple(images.shape)}")
    if images.dtype == torch.uint8:
        raise ValueError(f"{what}: expected floats in [0, 1], got uint8")
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0 or not torch.isfinite(images).all():
        raise ValueError(f"{what}: intensities must lie in [0, 1] (patch contract), found [{low:.3g}, {high:.3g}]")
    if channels is None:
        channels = [0, 0, 0] if images.shape[1] == 1 else list(range(images.shape[1]))
    channels = list(channels)
    if len(channels) == 1:
        channels = channels * 3
    if len(channels) != 3 or max(channels) >= images.shape[1]:
        raise ValueError(f"{what}: cannot map channels {channels} of a {images.shape[1]}-channel image to RGB")
    selected = images[:, channels].detach().cpu()
    return torch.round(selected * 255.0).to(torch.uint8)


def load_feature_extractor(weights_path: Path, device: str = "cpu") -> FeatureExtractorInceptionV3:
    """torch-fidelity's Inception-v3 loaded from a local file (checked first, so no download can start)."""
    weights_path = Path(weights_path)
    if not weights_path.is_file():
        raise FileNotFoundError(f"{weights_path}: FID Inception weights file not found")
    try:
        extractor = FeatureExtractorInceptionV3(
            FEATURE_EXTRACTOR_NAME, [POOL_FEATURES, IS_LOGITS], feature_extractor_weights_path=str(weights_path)
        )
    except RuntimeError as error:  # load_state_dict with the wrong keys or shapes
        raise ValueError(f"{weights_path}: not a torch-fidelity/pytorch-fid Inception-v3 state_dict ({error})") from error
    return extractor.to(device)


class InceptionScorer:
    """Extracts torch-fidelity Inception features once per image set and scores pairs of sets."""

    def __init__(self, weights_path: Path, batch_size: int = 64, device: str = "cpu") -> None:
        self.weights_path = Path(weights_path)
        self.batch_size = batch_size
        self.device = device
        self._extractor = load_feature_extractor(self.weights_path, device)

    @torch.no_grad()
    def features(self, images_uint8: torch.Tensor, label: str = "images") -> dict[str, torch.Tensor]:
        """``{"2048": [N, 2048], "logits_unbiased": [N, 1008]}`` for ``[N, 3, H, W]`` uint8 images."""
        started, outputs = time.perf_counter(), {POOL_FEATURES: [], IS_LOGITS: []}
        for start in range(0, images_uint8.shape[0], self.batch_size):
            batch = images_uint8[start : start + self.batch_size].to(self.device)
            pool, logits = self._extractor(batch)
            outputs[POOL_FEATURES].append(pool.cpu())
            outputs[IS_LOGITS].append(logits.cpu())
        elapsed = time.perf_counter() - started
        log.info("Inception features of %s: %d images in %.1f s (%.1f img/s)", label, images_uint8.shape[0],
                 elapsed, images_uint8.shape[0] / max(elapsed, 1e-9))
        return {key: torch.cat(value) for key, value in outputs.items()}

    def features_per_modality(
        self, images: torch.Tensor, channel_names: Sequence[str], joint: bool = True, label: str = "images"
    ) -> dict[str, dict[str, torch.Tensor]]:
        """Features for each modality (channel replicated to RGB) and, for 3 channels, the joint RGB view."""
        if images.shape[1] != len(channel_names):
            raise ValueError(f"{label}: {images.shape[1]} channels but names {list(channel_names)}")
        views = {name: [index] for index, name in enumerate(channel_names)}
        if joint and len(channel_names) == 3:
            views[JOINT] = [0, 1, 2]
        return {
            view: self.features(to_inception_uint8(images, channels, what=label), f"{label}/{view}")
            for view, channels in views.items()
        }


def _view_label(view: str, channel_names: Sequence[str]) -> str:
    return f"joint-{'+'.join(channel_names)}" if view == JOINT else view


def inception_metrics(
    real: dict[str, dict[str, torch.Tensor]],
    synthetic: dict[str, dict[str, torch.Tensor]],
    channel_names: Sequence[str],
    is_splits: int = 10,
    kid_subsets: int = 100,
    kid_subset_size: int = 1000,
    seed: int = 2020,
) -> list[MetricResult]:
    """FID, IS (of the synthetic set) and KID per modality view, from ``features_per_modality`` outputs."""
    results: list[MetricResult] = []
    for view in synthetic:
        name, feats = _view_label(view, channel_names), "Inception-v3 (torch-fidelity FID weights)"
        fid = frechet_distance(real[view][POOL_FEATURES], synthetic[view][POOL_FEATURES])
        results.append(MetricResult(f"FID-{name}", fid, features=feats))
        logits = synthetic[view][IS_LOGITS]  # splits capped at the set size, as for the domain IS
        is_mean, _ = inception_style_score(logits, splits=min(is_splits, len(logits)), seed=seed)
        results.append(MetricResult(f"IS-{name}", is_mean, features=feats))
        kid, _, _ = kernel_distance(
            real[view][POOL_FEATURES], synthetic[view][POOL_FEATURES], kid_subsets, kid_subset_size, seed=seed
        )
        results.append(MetricResult(f"KID-{name}", kid, features=feats))
    return results


def inception_metric_names(channel_names: Sequence[str], joint: bool = True) -> list[str]:
    """The names ``inception_metrics`` would produce; used to report them as not computed."""
    views: Iterable[str] = list(channel_names) + ([JOINT] if joint and len(channel_names) == 3 else [])
    return [f"{kind}-{_view_label(view, channel_names)}" for view in views for kind in ("FID", "IS", "KID")]


def inception_not_computed(channel_names: Sequence[str], reason: str, joint: bool = True) -> list[MetricResult]:
    """Every Inception metric reported as not computed, with the reason (e.g. weights absent offline)."""
    return [MetricResult.missing(name, reason) for name in inception_metric_names(channel_names, joint)]
