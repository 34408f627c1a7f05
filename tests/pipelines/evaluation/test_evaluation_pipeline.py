"""The evaluation pipeline end to end on a toy preset (one model), with the conf/test settings."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import torch
from kedro.io import DataCatalog

from medsynth_pipeline.classification.cross_validation import GeneratorLeak
from medsynth_pipeline.classification.set_evaluation import check_memorisation
from medsynth_pipeline.pipelines.evaluation.study_nodes import (
    augmentation_study,
    slice_level_accuracy,
    tstr_study,
)

from .conftest import (
    MODEL,
    TEST_FOLDS,
    make_classical,
    make_patches,
    make_splits,
    make_synthetic,
    run_toy_evaluation,
)


@pytest.fixture(scope="module")
def outputs(test_parameters: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> DataCatalog:
    return run_toy_evaluation(test_parameters, tmp_path_factory.mktemp("weights"))


def test_comparison_table_names_metrics_by_their_features(outputs: DataCatalog) -> None:
    summary = outputs.load("evaluation.gan_comparison_summary")
    assert set(summary["row"]) == {"toy", "real data (toy)"}
    by = summary.set_index(["row", "metric"])
    fid = by.loc[("toy", "FID-ADC")]
    assert fid["status"] == "not computed" and "absent.pth" in fid["reason"] and pd.isna(fid["mean"])
    fd = by.loc[("toy", "FD-ANN-real")]
    assert fd["status"] == "computed" and fd["n"] == 2 and fd["mean"] > 0  # 2 synthetic sets: mean ± std
    assert by.loc[("real data (toy)", "FD-ANN-real"), "n"] == 1
    assert 0.0 <= by.loc[("toy", "SCA"), "mean"] <= 1.0 and by.loc[("toy", "SCA"), "n"] == 2
    assert by.loc[("real data (toy)", "SCA"), "n"] == 1
    assert {"KID-ANN-real", "IS-ANN-real", "precision-ANN-real", "coverage-ANN-real",
            "near-copy %"} <= set(summary["metric"])


def test_memorisation_flags_the_injected_copy(outputs: DataCatalog) -> None:
    pairs = outputs.load("evaluation.toy.memorisation_pairs")
    closest = pairs.iloc[0]
    assert closest["near_copy"] and closest["distance"] == pytest.approx(0.0, abs=1e-6)
    assert closest["nearest_patient_id"] == "TR0"
    summary = outputs.load("evaluation.memorisation_summary")
    assert summary.loc[0, "n_near_copies"] >= 1


def test_augmentation_study_and_tstr_tables(outputs: DataCatalog) -> None:
    runs = outputs.load("evaluation.augmentation_study_runs")
    assert sorted(runs["condition"].unique()) == ["real", "real + GAN", "real + classical", "real + classical + GAN"]
    assert len(runs) == 4 * 2 * TEST_FOLDS  # conditions x seeds x folds
    predictions = outputs.load("evaluation.augmentation_study_predictions")
    # out of fold: every evaluation patient is tested exactly once per condition and seed, never a generator patient
    tested = predictions.groupby(["condition", "seed"])["patient_id"].apply(lambda p: sorted(set(p)))
    assert all(patients == [f"TE{i}" for i in range(6)] for patients in tested)
    assert predictions.groupby(["condition", "seed"])["test_index"].apply(lambda i: i.is_unique).all()
    summary = outputs.load("evaluation.augmentation_study_summary")
    row = summary.set_index(["condition", "metric"]).loc[("real + GAN", "sensitivity")]
    assert row["n_seeds"] == 2 and row["ci_low"] <= row["mean"] <= row["ci_high"]
    composition = outputs.load("evaluation.toy.augmentation_composition")
    both = composition[(composition["condition"] == "real + classical + GAN") & (composition["fold"] == 0)].set_index(
        ["source", "label"])["count"]
    assert both[("gan", 1)] == 8 and both[("classical", 0)] == 8  # the configured amount per class
    tstr = outputs.load("evaluation.tstr_runs")
    assert set(tstr["condition"]) == {"TRTR", "TSTR toy"}
    tsne = outputs.load("evaluation.toy.tsne_points")
    assert set(tsne["panel"]) == {"real", "classical", "GAN"}


def test_paired_comparisons_and_verdicts(outputs: DataCatalog) -> None:
    comparisons = outputs.load("evaluation.paired_comparisons")
    pairs = set(zip(comparisons["study"], comparisons["condition"], comparisons["baseline"], strict=True))
    assert {("augmentation study", "real + GAN", "real"), ("augmentation study", "real + classical + GAN", "real"),
            ("augmentation study", "real + classical + GAN", "real + classical"), ("SCA", "synthetic CS", "real data"),
            ("TSTR", "TSTR toy", "TRTR")} == pairs
    auc = comparisons[comparisons["metric"] == "roc_auc"]
    assert (auc["ci_low"] <= auc["difference"]).all() and (auc["difference"] <= auc["ci_high"]).all()
    assert (auc["n_patients"] == 6).all()
    verdicts = outputs.load("evaluation.verdicts")
    assert len(verdicts) == len(pairs)
    assert verdicts["sentence"].str.startswith("toy, ").all() and verdicts["sentence"].str.contains("ΔROC AUC").all()


def test_a_generator_that_saw_a_test_patient_stops_the_study(test_parameters: dict[str, Any]) -> None:
    patches, metadata = make_patches()
    synthetic, synthetic_meta = make_synthetic(patches)
    classical, classical_meta = make_classical(patches, metadata)
    evaluation = test_parameters["evaluation"]
    leaky = {**synthetic, "training_patients": [*synthetic["training_patients"], "TE1"]}
    with pytest.raises(GeneratorLeak, match="TE1"):
        augmentation_study(patches, metadata, make_splits(metadata), leaky, synthetic_meta, classical, classical_meta,
                           MODEL, evaluation["augmentation_study"], evaluation["task"], "cpu")
    unknown = {k: v for k, v in synthetic.items() if k != "training_patients"}
    with pytest.raises(ValueError, match="training_patients"):
        tstr_study(patches, metadata, make_splits(metadata), unknown, synthetic_meta, MODEL, evaluation["tstr"],
                   evaluation["task"], "cpu")


def test_patch_splits_that_disagree_with_the_patient_splits_are_refused(test_parameters: dict[str, Any]) -> None:
    patches, metadata = make_patches()
    synthetic, synthetic_meta = make_synthetic(patches)
    evaluation = test_parameters["evaluation"]
    moved = metadata.copy()
    moved.loc[moved.index[moved["patient_id"] == "TE2"][:1], "split"] = "train"
    with pytest.raises(ValueError, match="TE2"):
        tstr_study(patches, moved, make_splits(metadata), synthetic, synthetic_meta, MODEL, evaluation["tstr"],
                   evaluation["task"], "cpu")


def test_unlabelled_synthetic_images_are_scored_but_left_out_of_the_studies(test_parameters: dict[str, Any]) -> None:
    """An unconditional GAN trained on both classes gives images without a class: explained, not guessed."""
    patches, metadata = make_patches()
    synthetic, synthetic_meta = make_synthetic(patches)
    synthetic_meta = synthetic_meta.assign(clin_sig=pd.NA)
    evaluation = test_parameters["evaluation"]
    splits = make_splits(metadata)
    sca, _ = slice_level_accuracy(patches, metadata, splits, synthetic, synthetic_meta, *make_classical(patches, metadata),
                                  MODEL, evaluation["sca"], evaluation["task"], "cpu")
    assert sca.loc[0, "status"] == "not computed" and "no 'clin_sig' label" in sca.loc[0, "reason"]
    tstr_runs, tstr_predictions, _ = tstr_study(patches, metadata, splits, synthetic, synthetic_meta, MODEL,
                                                evaluation["tstr"], evaluation["task"], "cpu")
    assert tstr_runs.loc[0, "status"] == "not computed" and tstr_predictions.empty
    pairs, _, summary, _ = check_memorisation(patches, metadata, synthetic, synthetic_meta, MODEL,
                                              evaluation["memorisation"], evaluation["scoring"], evaluation["task"])
    assert summary.loc[0, "n_synthetic"] == 24 and pairs.iloc[0]["near_copy"]  # set metrics need no label


def test_the_generator_artifact_records_its_training_patients_for_the_leak_check() -> None:
    from medsynth_pipeline.augmentation.sets import make_synthetic_sets

    generator = {"training_patients": ["TR0", "TR1"]}
    calls = {}

    def fake_generate(artifact, **kwargs):  # the payload must pass the recorded patients on unchanged
        calls["artifact"] = artifact
        return torch.zeros(2, 1, 4, 4), pd.DataFrame({"set_index": [0, 0]})

    import medsynth_pipeline.augmentation.sets as nodes

    original, nodes.generate_synthetic_sets = nodes.generate_synthetic_sets, fake_generate
    try:
        payload, _ = make_synthetic_sets(generator, {"per_class": 1, "sets": 1, "seed": 0, "batch_size": 2, "device": "cpu"})
    finally:
        nodes.generate_synthetic_sets = original
    assert payload["training_patients"] == ["TR0", "TR1"]
