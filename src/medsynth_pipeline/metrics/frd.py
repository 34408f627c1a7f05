"""Fréchet Radiomics Distance (FRD; Konz, Osuala et al., Medical Image Analysis 2026) on in-memory patches.

The radiomic features are those of the ``frd-score`` package's FRDv1 2-D configuration (pyradiomics
first-order, GLCM, GLRLM, GLSZM, NGTDM on the original and wavelet images), extracted with the package's own
extractor factory on SimpleITK images made from the arrays (no temporary files). The distance follows FRDv1:
features z-scored with the statistics of the *real* set, columns that are not finite in either set dropped,
``log`` of the Fréchet distance (``frd_score.frd.calculate_frechet_distance``).

Two deliberate departures from the package's folder-based defaults, both because our inputs are already
intensity-normalised patches in [0, 1] (``FRDSettings``): pyradiomics' per-image z-score normalisation is
off and intensities are scaled by a fixed factor instead, so a global intensity shift is still visible and
a constant image (undefined under per-image normalisation, pyradiomics crashes on it) gets features; and
no resampling, because a 16–64 px patch resampled to 2 mm would lose half its resolution. LoG filters are
kept in the settings but pyradiomics skips them on patches this small (its size check), as it does in the
package. A full-image mask with one corner pixel left out works around pyradiomics issue 765, as the
package does; the 2-D patch is a (1, H, W) volume with ``force2D``.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from medsynth_pipeline.metrics.c2st import validate_patches
from medsynth_pipeline.metrics.results import InsufficientData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FRDSettings:
    """Radiomic extraction settings (conf/base/parameters_realism.yml ``realism.frd``)."""

    image_types: tuple[str, ...] = ("Original", "Wavelet")
    bin_width: float = 5.0
    # [0, 1] patches × 100 → 20 grey-level bins of width 5, the package's binWidth on its 0–100 scale.
    intensity_scale: float = 100.0
    workers: int = 1
    log_every: int = 200

    @classmethod
    def from_dict(cls, params: dict[str, Any] | None) -> FRDSettings:
        params = dict(params or {})
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"realism.frd: unknown settings {sorted(unknown)}")
        if "image_types" in params:
            params["image_types"] = tuple(params["image_types"])
        return cls(**params)


@dataclass
class RadiomicFeatures:
    """Per-patch radiomic features, N × C × F (NaN where pyradiomics gave none), with the feature names."""

    values: np.ndarray
    names: list[str] = field(default_factory=list)

    def channel(self, index: int) -> np.ndarray:
        return self.values[:, index, :]

    def joint(self) -> np.ndarray:
        """Per-channel vectors of each patch concatenated (the ADC–T2w pair as one sample)."""
        return self.values.reshape(len(self.values), -1)


_EXTRACTOR: dict[str, Any] = {}
_CACHE: dict[str, RadiomicFeatures] = {}
_POOLS: dict[int, ProcessPoolExecutor] = {}
# Models that share a patch family score the same reference and ladder rungs: 11+ feature sets per model.
_CACHE_SIZE = 48


def _extractor(settings: FRDSettings) -> Any:
    key = repr(settings)
    if key not in _EXTRACTOR:
        import radiomics
        from frd_score.frd import FRD_VERSION_V1, get_feature_extractor

        # pyradiomics logs every filter of every image at INFO: setVerbosity quiets only its own stderr
        # handler, and the records still reach the root (Kedro's) handler, ~90k lines per demo run.
        radiomics.setVerbosity(logging.ERROR)
        logging.getLogger("radiomics").setLevel(logging.WARNING)
        extractor = get_feature_extractor(FRD_VERSION_V1, image_dim=2, image_types=list(settings.image_types),
                                          bin_width=settings.bin_width)
        extractor.settings["normalize"] = False
        extractor.settings["resampledPixelSpacing"] = None
        _EXTRACTOR[key] = extractor
    return _EXTRACTOR[key]


def _image_features(image: np.ndarray, settings: FRDSettings) -> dict[str, float]:
    import SimpleITK as sitk

    volume = (image[None] * settings.intensity_scale).astype(np.float32)
    sitk_image = sitk.GetImageFromArray(volume)
    mask = np.ones(volume.shape, dtype=np.uint8)
    mask[0, 0, 0] = 0  # pyradiomics issue 765: a mask covering every pixel is rejected
    sitk_mask = sitk.GetImageFromArray(mask)
    sitk_mask.CopyInformation(sitk_image)
    output = _extractor(settings).execute(sitk_image, sitk_mask)
    return {name: float(value) for name, value in output.items() if not name.startswith("diagnostics")}


def _pool(workers: int) -> ProcessPoolExecutor:
    """One pool per process, kept for every later call: a spawned worker takes seconds to import pyradiomics,
    and one model's realism table extracts a dozen feature sets. ``spawn``, not ``fork``: the parent holds
    torch's and ITK's thread pools, which a forked child cannot use safely."""
    if workers not in _POOLS:
        from medsynth_pipeline.imaging.parallel import single_threaded

        _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                              initializer=single_threaded)
        atexit.register(_POOLS[workers].shutdown, cancel_futures=True)
    return _POOLS[workers]


def _chunk_features(images: np.ndarray, settings: FRDSettings) -> list[dict[str, float]]:
    return [_image_features(image, settings) for image in images]


def _fingerprint(images: np.ndarray, settings: FRDSettings) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(images).view(np.uint8))
    digest.update(repr((images.shape, asdict(settings))).encode())
    return digest.hexdigest()


def radiomic_features(images: np.ndarray, settings: FRDSettings | None = None, what: str = "patches") -> RadiomicFeatures:
    """Radiomic features of every channel of every patch (N×C×H×W in [0, 1]); cached by content."""
    settings = settings or FRDSettings()
    x = validate_patches(images, what).astype(np.float32)
    if len(x) == 0:
        raise InsufficientData(f"{what}: no patches for radiomic features")
    key = _fingerprint(x, settings)
    if key in _CACHE:
        return _CACHE[key]
    n, channels = x.shape[:2]
    flat = x.reshape(n * channels, *x.shape[2:])
    start = time.perf_counter()
    n_chunks = int(np.ceil(len(flat) / max(1, settings.log_every)))
    if settings.workers > 1:  # a few chunks per worker: a set smaller than log_every still uses every worker
        n_chunks = max(n_chunks, 4 * settings.workers)
    chunks = np.array_split(flat, min(len(flat), n_chunks))
    rows: list[dict[str, float]] = []
    if settings.workers > 1:
        for done in _pool(settings.workers).map(_chunk_features, chunks, [settings] * len(chunks)):
            rows.extend(done)
            _log_rate(what, len(rows), len(flat), start)
    else:
        for chunk in chunks:
            rows.extend(_chunk_features(chunk, settings))
            _log_rate(what, len(rows), len(flat), start)
    names = sorted(set().union(*rows))
    values = np.array([[row.get(name, np.nan) for name in names] for row in rows], dtype=np.float64)
    features = RadiomicFeatures(values.reshape(n, channels, len(names)), names)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = features
    return features


def _log_rate(what: str, done: int, total: int, start: float) -> None:
    elapsed = max(time.perf_counter() - start, 1e-9)
    log.info("radiomic features of %s: %d/%d images (%.0f images/s)", what, done, total, done / elapsed)


def frd_from_features(reference: np.ndarray, other: np.ndarray) -> float:
    """FRDv1 between two feature matrices (samples × features): z-scored w.r.t. ``reference``, log FD."""
    from frd_score.frd import calculate_frechet_distance

    ref = np.asarray(reference, dtype=np.float64)
    oth = np.asarray(other, dtype=np.float64)
    if ref.ndim != 2 or oth.ndim != 2 or ref.shape[1] != oth.shape[1]:
        raise ValueError(f"FRD needs 2-D feature matrices of equal width, got {ref.shape} and {oth.shape}")
    if min(len(ref), len(oth)) < 2:
        raise InsufficientData(f"FRD needs at least 2 images per set, got {len(ref)} and {len(oth)}")
    mean = np.nanmean(ref, axis=0)
    std = np.nanstd(ref, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_z, oth_z = (ref - mean) / std, (oth - mean) / std
    # As FRDv1: a feature constant in the reference (inf after z-scoring) or undefined anywhere is dropped.
    keep = np.isfinite(ref_z).all(axis=0) & np.isfinite(oth_z).all(axis=0)
    if not keep.any():
        raise InsufficientData("FRD: no radiomic feature is finite and varies across the reference images")
    ref_z, oth_z = ref_z[:, keep], oth_z[:, keep]
    distance = calculate_frechet_distance(ref_z.mean(axis=0), np.cov(ref_z, rowvar=False),
                                          oth_z.mean(axis=0), np.cov(oth_z, rowvar=False))
    return float(np.log(max(float(distance), 1e-12)))


def frd_scores(reference: RadiomicFeatures, other: RadiomicFeatures, channels: list[str]) -> dict[str, float]:
    """``FRD-<channel>`` per channel and, for two or more channels, ``FRD-<a>+<b>`` on the joint vectors."""
    if reference.values.shape[1] != len(channels) or other.values.shape[1] != len(channels):
        raise ValueError(f"FRD: {len(channels)} channel names for features of {reference.values.shape[1]} "
                         f"and {other.values.shape[1]} channels")
    if reference.names != other.names:
        raise ValueError("FRD: the two feature sets were extracted with different radiomic features")
    scores = {f"FRD-{name}": frd_from_features(reference.channel(i), other.channel(i)) for i, name in enumerate(channels)}
    if len(channels) > 1:
        scores[f"FRD-{'+'.join(channels)}"] = frd_from_features(reference.joint(), other.joint())
    return scores


def frd(real: np.ndarray, synthetic: np.ndarray, channels: list[str], settings: FRDSettings | None = None) -> dict[str, float]:
    """FRD of ``synthetic`` to ``real`` (both N×C×H×W in [0, 1]) per channel and jointly."""
    return frd_scores(radiomic_features(real, settings, "real patches"),
                      radiomic_features(synthetic, settings, "synthetic patches"), channels)


def split_halves(groups: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of two patient-disjoint halves (about equal numbers of patches) of a real set."""
    ids = np.asarray(groups)
    unique, counts = np.unique(ids, return_counts=True)
    if len(unique) < 2:
        raise InsufficientData(f"a real-vs-real floor needs at least 2 patients, got {len(unique)}")
    order = np.random.default_rng(seed).permutation(len(unique))
    cumulative = np.cumsum(counts[order])
    first = set(unique[order][: max(1, int(np.searchsorted(cumulative, cumulative[-1] / 2)) + 1)].tolist())
    if len(first) == len(unique):  # one patient holds more than half: give the last one to the second half
        first.discard(unique[order][-1])
    in_first = np.array([g in first for g in ids.tolist()])
    return np.flatnonzero(in_first), np.flatnonzero(~in_first)


def frd_floor(real_features: RadiomicFeatures, groups: np.ndarray, channels: list[str], seed: int = 0) -> dict[str, float]:
    """FRD between two patient-disjoint halves of the real set: what an indistinguishable set scores."""
    first, second = split_halves(groups, seed)
    return frd_scores(RadiomicFeatures(real_features.values[first], real_features.names),
                      RadiomicFeatures(real_features.values[second], real_features.names), channels)
