"""Which patches a model trains on: split, filters, channels, Gleason labels, class attributes."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from medsynth_pipeline.training.selection import from_range, gleason_sum, select_training_set, to_range


@pytest.fixture
def patches() -> tuple[dict, pd.DataFrame]:
    n = 8
    images = torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 2, 4, 4).clone() / n
    images[:, 1] += 0.5  # channel 1 tells itself apart
    meta = pd.DataFrame({
        "patient_id": [f"P{i}" for i in range(n)],
        "split": ["train", "train", "train", "train", "train", "val", "train", "test"],
        "is_lesion": [True, True, True, True, False, True, True, True],
        "clin_sig": [True, False, True, True, False, True, False, True],
        "ggg": pd.array([2, 1, 3, 2, pd.NA, 2, 0, 4], dtype="Int64"),
        "gleason_score": pd.array(["3+4", "3+3", "4+3", "3+4", None, "3+4", None, "4+4"], dtype="string"),
        "zone": ["PZ"] * n,
    })
    return {"images": images, "channels": ["ADC", "T2W"], "spacing_mm": 1.0}, meta


def test_gleason_sum(patches) -> None:
    _, meta = patches
    assert gleason_sum(meta).tolist() == [7, 6, 7, 7, pd.NA, 7, 0, 8]


def test_conditional_selection(patches) -> None:
    data, meta = patches
    sel = select_training_set(data, meta, {"split": "train", "rows": {"is_lesion": True}, "channels": ["T2W"],
                                           "label_column": "gleason_sum"})
    assert sel.metadata["patient_id"].tolist() == ["P0", "P1", "P2", "P3", "P6"]
    assert sel.class_values == [0, 6, 7]
    assert sel.labels.tolist() == [2, 1, 2, 2, 0]
    assert sel.images.shape == (5, 1, 4, 4)
    assert torch.allclose(sel.images[:, 0, 0, 0], torch.tensor([0, 1, 2, 3, 6]) / 8 + 0.5)  # T2W, right rows
    # Class 7 holds GGG 2 and 3: only what all its rows share (clin_sig) is carried to synthetic images.
    assert sel.class_attributes[2] == {"is_lesion": True, "clin_sig": True, "zone": "PZ", "gleason_sum": 7}
    assert sel.class_attributes[1]["gleason_score"] == "3+3" and sel.class_attributes[1]["clin_sig"] is False


def test_unconditional_per_class_selection(patches) -> None:
    data, meta = patches
    sel = select_training_set(data, meta, {"split": "train", "rows": {"clin_sig": True}})
    assert sel.labels is None and sel.num_classes == 0
    assert sel.images.shape == (3, 2, 4, 4)
    assert sel.class_attributes == [{"is_lesion": True, "clin_sig": True, "zone": "PZ"}]


def test_bad_selections_say_why(patches) -> None:
    data, meta = patches
    with pytest.raises(ValueError, match="'grade' is not in the metadata"):
        select_training_set(data, meta, {"rows": {"grade": 1}})
    with pytest.raises(ValueError, match=r"channels \['KTRANS'\]"):
        select_training_set(data, meta, {"channels": ["KTRANS"]})
    with pytest.raises(ValueError, match="no patch matches"):
        select_training_set(data, meta, {"split": "holdout"})
    with pytest.raises(ValueError, match="7 metadata rows"):
        select_training_set(data, meta.iloc[:7], {})


def test_range_mapping_round_trip() -> None:
    x = torch.rand(3, 1, 4, 4)
    assert torch.allclose(from_range(to_range(x, (-1, 1)), (-1, 1)), x, atol=1e-6)
    assert to_range(torch.ones(1), (-1, 1)).item() == 1.0 and to_range(torch.zeros(1), (-1, 1)).item() == -1.0
