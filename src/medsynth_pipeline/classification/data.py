"""Labelled image sets for the classifier studies, and the patient-separation guarantee.

Each image carries its label, the patient it came from (synthetic images carry ``synthetic:<model>``, so
they can never collide with a real patient) and its source (``real``, ``classical``, ``gan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

SYNTHETIC_PATIENT_PREFIX = "synthetic:"


@dataclass(frozen=True)
class LabelledImages:
    """``images [N, C, H, W]`` float32 in [0, 1] with per-image ``labels`` (0/1), ``patient_ids``, ``sources``."""

    images: torch.Tensor
    labels: np.ndarray
    patient_ids: np.ndarray
    sources: np.ndarray

    def __post_init__(self) -> None:
        n = self.images.shape[0]
        if self.images.dim() != 4:
            raise ValueError(f"images must be [N, C, H, W], got shape {tuple(self.images.shape)}")
        for name in ("labels", "patient_ids", "sources"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n} images")
        if n and not np.isin(self.labels, (0, 1)).all():
            raise ValueError(f"labels must be 0 or 1, found {sorted(set(np.asarray(self.labels).tolist()))}")

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @classmethod
    def build(
        cls, images: torch.Tensor, labels: Sequence[int], patient_ids: Sequence[str] | str, source: str | Sequence[str]
    ) -> LabelledImages:
        n = images.shape[0]
        patients = np.full(n, patient_ids, dtype=object) if isinstance(patient_ids, str) else np.asarray(patient_ids, dtype=object)
        sources = np.full(n, source, dtype=object) if isinstance(source, str) else np.asarray(source, dtype=object)
        return cls(images.float(), np.asarray(labels, dtype=np.int64), patients, sources)

    def subset(self, index: np.ndarray | Sequence[int]) -> LabelledImages:
        index = np.asarray(index)
        if index.dtype == bool:
            index = np.flatnonzero(index)
        return LabelledImages(self.images[torch.as_tensor(index, dtype=torch.long)], self.labels[index],
                              self.patient_ids[index], self.sources[index])

    def of_class(self, label: int) -> LabelledImages:
        return self.subset(self.labels == label)

    def sample(self, n: int, rng: np.random.Generator) -> LabelledImages:
        """``n`` images drawn without replacement (all of them, shuffled, if ``n >= len``)."""
        return self.subset(rng.permutation(len(self))[: min(n, len(self))])

    @staticmethod
    def concat(parts: Sequence[LabelledImages]) -> LabelledImages:
        parts = [p for p in parts if len(p)]
        if not parts:
            raise ValueError("cannot concatenate zero non-empty image sets")
        shapes = {tuple(p.images.shape[1:]) for p in parts}
        if len(shapes) != 1:
            raise ValueError(f"image sets differ in shape: {sorted(shapes)}")
        return LabelledImages(
            torch.cat([p.images for p in parts]),
            np.concatenate([p.labels for p in parts]),
            np.concatenate([p.patient_ids for p in parts]),
            np.concatenate([p.sources for p in parts]),
        )

    def composition(self) -> pd.DataFrame:
        """Counts per source and label (reported next to every study result)."""
        frame = pd.DataFrame({"source": self.sources, "label": self.labels})
        return frame.value_counts(["source", "label"]).rename("count").reset_index().sort_values(["source", "label"])

    def balanced(self, rng: np.random.Generator) -> LabelledImages:
        """As many images of the majority class as of the minority class (002's test set is 50 CS / 50
        non-CS), drawn without replacement; the order of the kept images is preserved."""
        counts = np.bincount(self.labels, minlength=2)
        keep = np.concatenate([np.sort(rng.permutation(np.flatnonzero(self.labels == c))[: counts.min()])
                               for c in (0, 1)])
        return self.subset(np.sort(keep))

    def real_patients(self) -> set[str]:
        return {str(p) for p in self.patient_ids if not str(p).startswith(SYNTHETIC_PATIENT_PREFIX)}


def assert_patient_disjoint(train: LabelledImages, val: LabelledImages, test: LabelledImages, what: str) -> None:
    """Refuse a study whose test patients appear in its training or validation images."""
    for name, other in (("training", train), ("validation", val)):
        shared = other.real_patients() & test.real_patients()
        if shared:
            raise ValueError(f"{what}: test patients {sorted(shared)[:5]} (of {len(shared)}) also in the {name} images")
    shared = train.real_patients() & val.real_patients()
    if shared:
        raise ValueError(f"{what}: validation patients {sorted(shared)[:5]} (of {len(shared)}) also in training")
