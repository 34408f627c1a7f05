from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medsynth_pipeline.reader_study.study import StudyInputError, select_study_items, study_fingerprint


def test_study_draws_each_group_and_shuffles(real_set, synthetic_set) -> None:
    images, key = select_study_items(*real_set, *synthetic_set, n_per_group=3, seed=7)
    assert images.shape == (12, 3, 16, 16)
    assert key["item_id"].tolist() == list(range(12))
    counts = key.groupby(["origin", "is_lesion"]).size()
    assert counts.to_dict() == {("real", False): 3, ("real", True): 3, ("synthetic", False): 3, ("synthetic", True): 3}
    # every study image is the source image its key row names
    for row in key.itertuples():
        source = real_set if row.origin == "real" else synthetic_set
        assert torch.equal(images[row.item_id], source[0][row.source_index])
        assert bool(source[1][row.source_index]) == row.is_lesion
    # shuffled: the origins are not in blocks
    assert key["origin"].tolist() != sorted(key["origin"].tolist())


def test_study_is_deterministic_for_a_seed(real_set, synthetic_set) -> None:
    a = select_study_items(*real_set, *synthetic_set, n_per_group=3, seed=7)
    b = select_study_items(*real_set, *synthetic_set, n_per_group=3, seed=7)
    c = select_study_items(*real_set, *synthetic_set, n_per_group=3, seed=8)
    pd.testing.assert_frame_equal(a[1], b[1])
    assert study_fingerprint(*a) == study_fingerprint(*b) != study_fingerprint(*c)


def test_too_few_images_names_the_group(real_set, synthetic_set) -> None:
    with pytest.raises(StudyInputError, match="synthetic lesion images: 5 available, 6 needed"):
        select_study_items(*real_set, *synthetic_set, n_per_group=6, seed=0)


def test_bad_inputs_are_rejected(real_set, synthetic_set) -> None:
    images, labels = synthetic_set
    with pytest.raises(StudyInputError, match=r"\[0, 1\]"):
        select_study_items(*real_set, images * 2 - 1, labels, n_per_group=1, seed=0)
    with pytest.raises(StudyInputError, match="tell them apart by size"):
        select_study_items(*real_set, images[:, :, :8, :8], labels, n_per_group=1, seed=0)
    with pytest.raises(StudyInputError, match="lesion labels"):
        select_study_items(*real_set, images, np.ones(3, dtype=bool), n_per_group=1, seed=0)
