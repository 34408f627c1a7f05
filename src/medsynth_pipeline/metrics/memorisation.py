"""Memorisation check: is a synthetic image a near copy of a real training image?

For every synthetic image the nearest real *training* image (and its patient) by root-mean-square pixel
difference on the [0, 1] intensities. What counts as "near" is calibrated on the real data itself: the
reference distribution is each real training image's distance to its nearest training image of *another
patient* (neighbouring slices of one lesion are excluded because they are near copies by construction).
A synthetic image is flagged when its distance is at or below the ``reference_quantile`` of that
distribution, i.e. closer to a training image than all but that fraction of real images of unseen patients
are. A generator that copies nothing flags about ``reference_quantile`` of its images by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from medsynth_pipeline.metrics.results import InsufficientData


@dataclass(frozen=True)
class MemorisationResult:
    """Nearest real neighbour of each synthetic image, the near-copy threshold and a summary."""

    pairs: pd.DataFrame  # synthetic_index, nearest_real_index, nearest_patient_id, distance, near_copy
    reference_distances: np.ndarray  # real-vs-real (other patient) nearest-neighbour distances
    threshold: float
    reference_quantile: float

    def summary(self) -> dict[str, float]:
        n = len(self.pairs)
        flagged = int(self.pairs["near_copy"].sum())
        return {
            "n_synthetic": float(n),
            "n_near_copies": float(flagged),
            "near_copy_fraction": flagged / n if n else float("nan"),
            "expected_fraction_by_chance": self.reference_quantile,
            "near_copy_threshold_rms": self.threshold,
            "median_synthetic_nn_rms": float(np.median(self.pairs["distance"])),
            "median_real_nn_rms": float(np.median(self.reference_distances)),
        }


def _flatten(images: np.ndarray | torch.Tensor, what: str) -> torch.Tensor:
    tensor = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    if tensor.dim() < 2 or tensor.shape[0] == 0:
        raise ValueError(f"{what}: expected a non-empty batch of images, got shape {tuple(tensor.shape)}")
    return tensor.reshape(tensor.shape[0], -1)


def _rms_distances(a: torch.Tensor, b: torch.Tensor, chunk: int) -> torch.Tensor:
    """[len(a), len(b)] RMS pixel differences, computed in chunks to bound memory."""
    rows = [torch.cdist(a[i : i + chunk], b) for i in range(0, a.shape[0], chunk)]
    return torch.cat(rows) / np.sqrt(a.shape[1])


def nearest_real(
    synthetic: np.ndarray | torch.Tensor, real: np.ndarray | torch.Tensor, chunk: int = 512
) -> tuple[np.ndarray, np.ndarray]:
    """Index of and RMS distance to the nearest real image for each synthetic image."""
    syn, ref = _flatten(synthetic, "synthetic images"), _flatten(real, "real images")
    if syn.shape[1] != ref.shape[1]:
        raise ValueError(f"synthetic and real images differ in size: {syn.shape[1]} vs {ref.shape[1]} values")
    distances = _rms_distances(syn, ref, chunk)
    values, indices = distances.min(dim=1)
    return indices.numpy(), values.numpy()


def real_reference_distances(
    real: np.ndarray | torch.Tensor, patient_ids: Sequence[str], chunk: int = 512
) -> np.ndarray:
    """Each real image's RMS distance to its nearest real image of a different patient."""
    ref = _flatten(real, "real images")
    patients = np.asarray(patient_ids)
    if len(patients) != ref.shape[0]:
        raise ValueError(f"{len(patients)} patient ids for {ref.shape[0]} real images")
    if len(np.unique(patients)) < 2:
        raise InsufficientData("the real-vs-real reference needs training images of at least two patients")
    distances = _rms_distances(ref, ref, chunk)
    same_patient = torch.as_tensor(patients[:, None] == patients[None, :])
    distances = distances.masked_fill(same_patient, float("inf"))
    return distances.min(dim=1).values.numpy()


def memorisation_check(
    synthetic: np.ndarray | torch.Tensor,
    real_train: np.ndarray | torch.Tensor,
    real_patient_ids: Sequence[str],
    reference_quantile: float = 0.01,
) -> MemorisationResult:
    """Nearest real training image per synthetic image, with near copies flagged (see module docstring)."""
    if not 0.0 <= reference_quantile < 1.0:
        raise ValueError(f"reference_quantile must lie in [0, 1), got {reference_quantile}")
    indices, distances = nearest_real(synthetic, real_train)
    reference = real_reference_distances(real_train, real_patient_ids)
    threshold = float(np.quantile(reference, reference_quantile))
    patients = np.asarray(real_patient_ids)
    pairs = pd.DataFrame(
        {
            "synthetic_index": np.arange(len(indices)),
            "nearest_real_index": indices,
            "nearest_patient_id": patients[indices],
            "distance": distances.astype(float),
            "near_copy": distances <= threshold,
        }
    )
    return MemorisationResult(pairs.sort_values("distance", kind="stable").reset_index(drop=True), reference,
                              threshold, reference_quantile)
