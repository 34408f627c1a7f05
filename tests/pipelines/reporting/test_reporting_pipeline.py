"""The reporting pipeline on the toy evaluation: tables, figures, REPORT.md, and links that match the catalog."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog
from matplotlib.figure import Figure

from medsynth_pipeline.pipelines import evaluation, reporting
from medsynth_pipeline.pipelines.reporting.nodes import FIGURES, table_ii_tables, write_report
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ..evaluation.conftest import run_in_memory, toy_catalog


@pytest.fixture(scope="module")
def reported(test_parameters: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> DataCatalog:
    catalog = toy_catalog(test_parameters, tmp_path_factory.mktemp("weights"))
    pipeline = (evaluation.pipeline.model_pipeline("toy", "toy_preset") + evaluation.pipeline.across_models(["toy"])
                + reporting.pipeline.model_pipeline("toy") + reporting.pipeline.tables_and_report(["toy"]))
    return run_in_memory(pipeline, catalog)


def test_tables_in_the_papers_layout(reported: DataCatalog) -> None:
    table = reported.load("reporting.gan_comparison_markdown")
    header = table.splitlines()[2]
    assert header.startswith("| row | data | IS-ADC | FID-ADC | SCA |")  # 002 Table II order first
    toy_row = next(line for line in table.splitlines() if line.startswith("| toy |"))
    assert "not computed" in toy_row and " ± " in toy_row
    assert "FID-ADC, IS-ADC, KID-ADC (toy, real data (toy)): " in table and "absent.pth" in table  # reason by the table
    study = reported.load("reporting.augmentation_study_markdown")
    assert "| toy: real + classical + GAN |" in study and re.search(r"\d+\.\d ± \d+\.\d \[", study)
    assert "toy" in reported.load("reporting.memorisation_csv")["model"].tolist()


def test_realism_section_in_the_report(reported: DataCatalog) -> None:
    scores = reported.load("evaluation.all_realism_scores")
    headline, markdown = reported.load("reporting.realism_csv"), reported.load("reporting.realism_markdown")
    passed = scores[scores["headline"]]
    expected = {m for m in passed["metric"] if m.startswith(("FRD", "C2ST"))}
    assert set(headline["metric"]) == expected
    failed = set(scores.loc[~scores["ladder_passed"] & (scores["status"] == "computed"), "metric"])
    for metric in {m for m in failed if m.startswith(("FRD", "C2ST"))}:
        assert f"- {metric} (toy) fails the metric ladder at step " in markdown and metric not in set(headline["metric"])
    offline = reported.load("reporting.gan_comparison_markdown")
    domain = failed & set(reported.load("evaluation.gan_comparison_summary")["metric"])
    assert domain  # the toy classifier features fail the ladder (see the realism scores)
    for metric in domain:  # FD/KID/PRDC that fail the ladder are flagged by their own table
        assert f"- {metric} (toy) " in offline and "no measure of realism" in offline
        assert f"- {metric} (toy) " not in markdown
    section = reported.load("reporting.report").split("## Realism of the synthetic images", 1)[1].split("\n## ", 1)[0]
    assert markdown.split("\n", 1)[1].strip() in section and "](evaluation/realism.md)" in section
    metrics = reported.load("reporting.mlflow_metrics")
    for row in headline.itertuples():
        assert metrics[f"realism/toy/{row.metric}/mean"]["value"] == row.mean


def test_every_figure_is_drawn(reported: DataCatalog) -> None:
    for figure in FIGURES:
        assert isinstance(reported.load(f"reporting.toy.{figure}"), Figure), figure
    forest = reported.load("reporting.paired_comparisons_figure")
    assert len(forest.axes[0].get_yticklabels()) == 5  # 3 augmentation comparisons, SCA, TSTR
    pairs = reported.load("reporting.toy.memorisation_pairs")
    assert pairs.axes[0].title.get_color() == "red"  # the injected copy is the closest pair, marked


def test_report_states_dataset_settings_and_what_was_not_computed(reported: DataCatalog) -> None:
    report = reported.load("reporting.report")
    assert "## Dataset" in report and "15 (train: 6, val: 3, test: 6)" in report
    assert "kept apart from the evaluation folds" in report and "cut into 2 stratified folds" in report
    verdicts = report.split("## Does synthetic data help? Paired comparisons and verdicts", 1)[1]
    assert "**Verdicts, augmentation study**" in verdicts and "- toy, real + GAN vs real: " in verdicts
    assert "| augmentation study | toy | real + classical + GAN vs real + classical |" in verdicts
    assert "](evaluation/paired_comparisons.png)" in verdicts
    assert "## Settings" in report and "seeds [0, 1]" in report
    not_computed = report.split("## Metrics not computed", 1)[1]
    assert "FID-ADC" in not_computed and "absent.pth" in not_computed
    assert "](evaluation/toy_roc_augmentation.png)" in report
    assert "](evaluation/gan_comparison.csv)" in report


def test_headline_numbers_for_mlflow(reported: DataCatalog) -> None:
    metrics = reported.load("reporting.mlflow_metrics")
    assert "comparison/toy/SCA" in metrics and "augmentation_study/toy/real plus GAN/accuracy" in metrics
    assert "comparison/real data toy/near-copy pct" in metrics
    assert "paired/augmentation study/toy/real plus GAN vs real/roc_auc/difference" in metrics
    assert not any(key.startswith("comparison/toy/FID") for key in metrics)  # not computed: absent, not 0
    assert all(set(v) == {"value", "step"} and v["value"] == v["value"] for v in metrics.values())


def test_report_links_name_the_files_the_catalog_writes(project_root: Path, test_parameters: dict[str, Any]) -> None:
    layout = test_parameters["reporting"]["layout"]
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    catalog = loader["catalog"]

    def written(name: str) -> str:
        entry = catalog[name]
        return entry.get("dataset", entry)["filepath"].removeprefix("data/08_reporting/")

    assert written("reporting.{name}_csv") == layout["table_csv"]
    assert written("reporting.{name}_markdown") == layout["table_markdown"]
    # ops/readme_results.py copies data/08_reporting/evaluation/realism.md into the README
    assert layout["table_markdown"].format(name="realism") == "evaluation/realism.md"
    assert '"realism": ' in (project_root / "ops/readme_results.py").read_text()
    assert written("reporting.{model}.{figure}") == layout["figure"]
    assert written("reporting.report") == "REPORT.md"
    assert written("reporting.paired_comparisons_figure") == layout["paired_figure"]
    for figure in test_parameters["reporting"]["gan_figures"]:  # explicit entries of the GAN stage
        assert written(f"gan_training.{{model}}.{figure}") == layout["gan_figure"].replace("{figure}", figure)
    assert written("augmentation.{model}.synthetic_samples") == layout["synthetic_samples"]


def test_002_table_ii_joins_the_report_when_its_model_is_in_the_run(reported: DataCatalog,
                                                                     test_parameters: dict[str, Any]) -> None:
    assert "## 002 Table II" not in reported.load("reporting.report")  # toy is not one of table_ii.models
    params = copy.deepcopy(test_parameters["reporting"])
    params["table_ii"]["models"] = {"toy": "Toy synthesizer"}
    table, markdown = table_ii_tables(reported.load("evaluation.gan_comparison_summary"), params)
    assert markdown.splitlines()[2] == "| row | IS-ADC | FID-ADC | SCA |"  # 002's columns, in its order
    assert set(table["row"]) == {"Toy synthesizer", "Real Data"}
    toy = next(line for line in markdown.splitlines() if line.startswith("| Toy synthesizer |"))
    sca = table[(table["row"] == "Toy synthesizer") & (table["metric"] == "SCA")].iloc[0]
    assert toy.endswith(f"| {100 * sca['mean']:.2f} ± {100 * sca['std']:.2f} |")  # SCA in %, as 002 prints it
    assert "FD-ANN-real" in markdown and "absent.pth" in markdown  # offline fallbacks, and why FID/IS are missing
    inputs = [reported.load(name) for name in (
        "evaluation.gan_comparison_summary", "reporting.gan_comparison_markdown", "reporting.realism_markdown",
        "reporting.augmentation_study_markdown",
        "reporting.paired_comparisons_markdown", "reporting.tstr_markdown", "reporting.memorisation_markdown", "evaluation.augmentation_study_runs",
        "evaluation.tstr_runs", "patient_splits", "params:evaluation", "params:augmentation.synthetic")]
    report = write_report(*inputs, params, table, markdown, models=["toy"])
    section = report.split("## 002 Table II", 1)[1].split("\n## ", 1)[0]
    assert "| Toy synthesizer |" in section and "](evaluation/table_ii.csv)" in section
    assert "kedro run --pipelines=mpmri_synthesis" in section and "stitch_ablation/table_i.md" in section
