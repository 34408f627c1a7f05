"""From the stage contracts to labelled sets: channels by name, rows and splits, labels, patients."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medsynth_pipeline.classification.patch_sets import classical_images, real_images, synthetic_sets


def _patches() -> tuple[dict, pd.DataFrame]:
    images = torch.arange(6 * 2 * 2 * 2, dtype=torch.float32).reshape(6, 2, 2, 2) / 100
    metadata = pd.DataFrame({
        "patient_id": ["A", "A", "B", "C", "C", "D"], "split": ["train", "train", "train", "val", "test", "test"],
        "is_lesion": [True, False, True, True, True, False], "clin_sig": [True, False, False, True, False, False],
        "ggg": pd.array([2, pd.NA, 1, 3, 1, pd.NA], dtype="Int64"),
        "gleason_score": ["3+4", None, "3+3", "4+3", "3+3", None],
    })
    return {"images": images, "channels": ["T2W", "ADC"]}, metadata


def test_real_images_select_split_rows_and_channels() -> None:
    patches, metadata = _patches()
    train = real_images(patches, metadata, ["train"], ["ADC"], "clin_sig")
    assert len(train) == 3 and train.images.shape[1] == 1
    assert torch.equal(train.images[0, 0], patches["images"][0, 1])  # ADC is channel 1
    assert train.labels.tolist() == [1, 0, 0] and train.patient_ids.tolist() == ["A", "A", "B"]
    lesions = real_images(patches, metadata, ["val", "test"], ["T2W", "ADC"], "clin_sig", rows={"is_lesion": True})
    assert lesions.patient_ids.tolist() == ["C", "C"] and set(lesions.sources) == {"real"}
    with pytest.raises(ValueError, match="KTRANS"):
        real_images(patches, metadata, ["train"], ["KTRANS"], "clin_sig")


def test_synthetic_sets_by_index_with_a_synthetic_patient() -> None:
    payload = {"images": torch.rand(6, 1, 2, 2), "channels": ["ADC"]}
    metadata = pd.DataFrame({"set_index": [0, 0, 0, 1, 1, 1], "clin_sig": [True, False, None, True, True, False]})
    sets = synthetic_sets(payload, metadata, "clin_sig", "dcgan")
    assert sorted(sets) == [0, 1] and len(sets[0]) == 2  # the unlabelled image is left out
    assert set(sets[1].patient_ids) == {"synthetic:dcgan"} and sets[1].labels.tolist() == [1, 1, 0]


def test_classical_copies_keep_their_source_patient() -> None:
    payload = {"images": torch.rand(3, 2, 2, 2), "channels": ["T2W", "ADC"]}
    metadata = pd.DataFrame({"patient_id": ["A", "B", "A"], "clin_sig": [True, False, True],
                             "is_lesion": [True, True, False]})
    copies = classical_images(payload, metadata, ["ADC"], "clin_sig", rows={"is_lesion": True})
    assert copies.patient_ids.tolist() == ["A", "B"] and copies.images.shape == (2, 1, 2, 2)
    assert np.array_equal(copies.labels, [1, 0])
