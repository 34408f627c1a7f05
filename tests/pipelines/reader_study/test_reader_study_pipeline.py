"""The reader_study pipeline on tiny tensors: prepare, answer through the store, score into Table 2."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from kedro.io import DataCatalog, DatasetError, MemoryDataset
from kedro.runner import SequentialRunner

from medsynth_pipeline.models.prostategan import ProstateGANGenerator
from medsynth_pipeline.pipelines.reader_study import create_pipeline
from medsynth_pipeline.pipelines.reader_study.answers_dataset import ReaderStudyAnswersDataset
from medsynth_pipeline.pipelines.reader_study.pipeline import GENERATOR, REAL_IMAGES, REAL_METADATA
from medsynth_pipeline.reader_study.store import AnswerStore
from medsynth_pipeline.reader_study.study import StudyInputError, study_fingerprint

ROOT = Path(__file__).resolve().parents[3]


def _params(**overrides) -> dict:
    params = yaml.safe_load((ROOT / "conf/base/parameters_reader_study.yml").read_text())["reader_study"]
    params.update({"n_per_group": 2, "real_splits": None, **overrides})
    return params


def _generator(class_attributes: list[dict]) -> dict:
    torch.manual_seed(0)
    artifact = ProstateGANGenerator(num_classes=len(class_attributes), channels=3, width=8).export()
    return {**artifact, "class_attributes": class_attributes}


LESION_CLASSES = [{"is_lesion": False}, {"is_lesion": True}]


def _inputs(n_real: int = 12, classes: list[dict] = LESION_CLASSES) -> dict:
    gen = torch.Generator().manual_seed(0)
    real = {"images": torch.rand(n_real, 3, 32, 32, generator=gen), "channels": ["T2W", "ADC", "KTRANS"],
            "spacing_mm": 1.0}
    metadata = pd.DataFrame({"is_lesion": np.arange(n_real) % 2 == 0,
                             "split": ["train", "train", "test", "test"] * (n_real // 4)})
    return {REAL_IMAGES: real, REAL_METADATA: metadata, GENERATOR: _generator(classes)}


def _catalog(tmp_path: Path, params: dict, inputs: dict) -> DataCatalog:
    datasets = {name: MemoryDataset(value) for name, value in inputs.items()}
    datasets["params:reader_study"] = MemoryDataset(params)
    datasets["reader_study_answers"] = ReaderStudyAnswersDataset(filepath=str(tmp_path / "answers.sqlite"))
    for name in ("reader_study_images", "reader_study_key", "reader_study_table2", "reader_study_table2_md",
                 "reader_study_confusion"):
        datasets[name] = MemoryDataset()
    return DataCatalog(datasets)


def test_prepare_then_score(tmp_path: Path) -> None:
    inputs = _inputs()
    catalog = _catalog(tmp_path, _params(), inputs)
    pipeline = create_pipeline()
    SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_prepare"), catalog)
    study, key = catalog.load("reader_study_images"), catalog.load("reader_study_key")
    assert study["images"].shape == (8, 3, 32, 32) and study["channels"] == ["T2W", "ADC", "KTRANS"]
    assert float(study["images"].min()) >= 0.0 and float(study["images"].max()) <= 1.0
    for row in key[key["origin"] == "real"].itertuples():  # source_index points into the full real set
        assert torch.equal(study["images"][row.item_id], inputs[REAL_IMAGES]["images"][row.source_index])
    synthetic = study["images"][torch.as_tensor(key.index[key["origin"] == "synthetic"].to_numpy())]
    assert not any(torch.equal(s, r) for s in synthetic for r in inputs[REAL_IMAGES]["images"])
    assert key.groupby(["origin", "is_lesion"]).size().tolist() == [2, 2, 2, 2]

    # a reader who calls everything real and sees a lesion exactly where there is one
    store = AnswerStore(tmp_path / "answers.sqlite", study_fingerprint(study["images"], key), len(key))
    token = store.reader_token("reader 1")
    while (current := store.next_item(token)) is not None:
        item = store.item_for_token(current[0])
        store.record(token, current[0], answered_real=True, answered_lesion=bool(key.loc[item, "is_lesion"]))

    SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_report"), catalog)
    row = catalog.load("reader_study_table2").iloc[0]
    assert (row.real_as_real, row.real_as_synthetic, row.synthetic_as_real, row.synthetic_as_synthetic) == (4, 0, 4, 0)
    assert row.real_synthetic_accuracy == 0.5 and row.lesion_accuracy == 1.0
    assert "| 50.0% | 4 | 0 | 4 | 0 |" in catalog.load("reader_study_table2_md")
    assert len(catalog.load("reader_study_confusion").axes) == 2


def test_real_splits_restrict_the_real_images(tmp_path: Path) -> None:
    inputs = _inputs(n_real=12)
    catalog = _catalog(tmp_path, _params(real_splits=["test"]), inputs)
    SequentialRunner().run(create_pipeline().only_nodes_with_tags("reader_study_prepare"), catalog)
    key = catalog.load("reader_study_key")
    real_rows = key[key["origin"] == "real"]
    assert set(inputs[REAL_METADATA].loc[real_rows["source_index"], "split"]) == {"test"}


def test_real_images_are_averaged_down_to_the_generator_size(tmp_path: Path) -> None:
    inputs = _inputs()
    inputs[REAL_IMAGES] = {**inputs[REAL_IMAGES], "images": inputs[REAL_IMAGES]["images"].repeat_interleave(2, -1)
                           .repeat_interleave(2, -2)}  # 64 x 64, each pixel doubled
    catalog = _catalog(tmp_path, _params(), inputs)
    SequentialRunner().run(create_pipeline().only_nodes_with_tags("reader_study_prepare"), catalog)
    study, key = catalog.load("reader_study_images"), catalog.load("reader_study_key")
    assert study["images"].shape[-2:] == (32, 32)
    row = key[key["origin"] == "real"].iloc[0]
    original = _inputs()[REAL_IMAGES]["images"][row.source_index]
    assert torch.allclose(study["images"][row.item_id], original)


def test_generator_without_lesion_classes_is_refused(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, _params(), _inputs(classes=[{"gleason_sum": 6}, {"gleason_sum": 7}]))
    with pytest.raises(StudyInputError, match="lesion/no-lesion generator"):
        SequentialRunner().run(create_pipeline().only_nodes_with_tags("reader_study_prepare"), catalog)


def test_same_seed_same_study(tmp_path: Path) -> None:
    studies = []
    for attempt in range(2):
        catalog = _catalog(tmp_path / str(attempt), _params(), _inputs())
        SequentialRunner().run(create_pipeline().only_nodes_with_tags("reader_study_prepare"), catalog)
        studies.append(study_fingerprint(catalog.load("reader_study_images")["images"], catalog.load("reader_study_key")))
    assert studies[0] == studies[1]


def test_unknown_display_channel_is_named(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, _params(display={"channels": ["DWI"], "panel_px": 8}), _inputs())
    with pytest.raises(StudyInputError, match="DWI"):
        SequentialRunner().run(create_pipeline().only_nodes_with_tags("reader_study_prepare"), catalog)


@pytest.mark.parametrize("reader_without_answers", [False, True])
def test_scoring_without_answers_names_the_file(tmp_path: Path, reader_without_answers: bool) -> None:
    catalog = _catalog(tmp_path, _params(), _inputs())
    pipeline = create_pipeline()
    SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_prepare"), catalog)
    if reader_without_answers:
        AnswerStore(tmp_path / "answers.sqlite", "0" * 64, 8).reader_token("idle reader")
    with pytest.raises(DatasetError, match="answers.sqlite"):
        SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_report"), catalog)


def test_answers_of_another_study_are_refused(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, _params(), _inputs())
    other = AnswerStore(tmp_path / "answers.sqlite", "f" * 64, 8)
    token = other.reader_token("someone")
    other.record(token, other.next_item(token)[0], answered_real=True, answered_lesion=True)
    pipeline = create_pipeline()
    SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_prepare"), catalog)
    with pytest.raises(ValueError, match="another study"):
        SequentialRunner().run(pipeline.only_nodes_with_tags("reader_study_report"), catalog)
