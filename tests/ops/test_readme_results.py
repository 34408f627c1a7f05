"""`make readme-results`: the README's results come from the last run's files, with its commit and time."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("readme_results", ROOT / "ops/readme_results.py")
readme_results = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_results)


def _run_outputs(reporting: Path) -> None:
    (reporting / "evaluation").mkdir(parents=True)
    (reporting / "gan_training").mkdir()
    (reporting / "evaluation/augmentation_study.md").write_text("# Augmentation study\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n")
    (reporting / "gan_training/toy_real_vs_synthetic.png").write_bytes(b"\x89PNG fake")
    (reporting / "run_info.json").write_text(json.dumps({"commit": "abc1234", "dirty": False, "finished": "2026-12-06T19:00Z",
                                                         "cpus": 2, "seconds": 600, "cohort_seconds": 60,
                                                         "pipeline_seconds": 540}))


def test_the_section_between_the_markers_is_replaced(tmp_path: Path) -> None:
    _run_outputs(tmp_path / "data/08_reporting")
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\nbefore\n\n{readme_results.BEGIN}\nstale table\n{readme_results.END}\n\nafter\n")
    readme_results.main(["--readme", str(readme), "--reporting", str(tmp_path / "data/08_reporting")])
    text = readme.read_text()
    assert "stale table" not in text and text.startswith("# x\n\nbefore") and text.endswith("after\n")
    assert "commit `abc1234`" in text and "**10.0 min**" in text
    assert "### Augmentation study (004 Table 1 layout)\n\n| a | b |" in text
    assert "![toy: real vs synthetic](docs/results/toy_real_vs_synthetic.png)" in text
    assert (tmp_path / "docs/results/toy_real_vs_synthetic.png").read_bytes() == b"\x89PNG fake"


def test_without_a_recorded_run_it_says_what_to_do(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"{readme_results.BEGIN}\n{readme_results.END}\n")
    with pytest.raises(SystemExit, match="make run"):
        readme_results.main(["--readme", str(readme), "--reporting", str(tmp_path / "nothing")])


def test_the_targets_are_checked_against_the_run(tmp_path: Path) -> None:
    reporting = tmp_path / "data/08_reporting"
    _run_outputs(reporting)
    (reporting / "evaluation/augmentation_study.md").write_text(
        "# Augmentation study\n\n| row | roc_auc |\n| --- | ---: |\n| a: real | 82.4 ± 2.8 [78.3, 86.7] |\n"
        "| a: real + GAN | 70.0 ± 1.0 [60.0, 80.0] |\n")
    (reporting / "evaluation/realism.md").write_text(
        "# Realism\n\n| model | metric | meets target |\n| --- | --- | --- |\n| a | FRD-ADC | yes |\n"
        "| a | C2ST-AUC | no |\n| b | C2ST-AUC | yes |\n")
    lines = readme_results.targets_summary(reporting, minutes=16.0)
    text = "\n".join(lines)
    assert "≤ 15 min: not met (16.0 min)" in text
    assert "C2ST AUC ≤ 0.85: not met by a (1 of 2" in text
    assert "FRD ≤ 2× the real-vs-real floor: met by every model (1 of 1" in text
    assert "half-width ≤ 0.08: not met (widest 0.100, narrowest 0.042, 2 rows)" in text
    assert "Why the realism targets are missed" not in text  # no training curve of this run: nothing to say


def test_a_missed_realism_target_comes_with_the_training_curve(tmp_path: Path) -> None:
    reporting = tmp_path / "data/08_reporting"
    _run_outputs(reporting)
    (reporting / "evaluation/realism.md").write_text(
        "# Realism\n\n| model | metric | meets target |\n| --- | --- | --- |\n| a | C2ST-AUC | no |\n| b | C2ST-AUC | yes |\n")
    for model in ("a", "b"):
        (reporting / f"gan_training/{model}_selection_curve.csv").write_text(
            "iteration,metric,score,best\n100,c2st_auc,1.0,False\n200,c2st_auc,0.9,True\n300,c2st_auc,0.95,False\n")
    text = "\n".join(readme_results.targets_summary(reporting, minutes=10.0))
    assert "a 1.00 at 100 → 0.95 at 300 (best 0.90 at 200)" in text
    assert "b 1.00" not in text  # b meets its target


def test_the_run_time_cell_is_rewritten_from_the_run(tmp_path: Path) -> None:
    reporting = tmp_path / "data/08_reporting"
    _run_outputs(reporting)
    readme = tmp_path / "README.md"
    readme.write_text(f"| run | {readme_results.RUNTIME_BEGIN}old{readme_results.RUNTIME_END} |\n"
                      f"{readme_results.BEGIN}\n{readme_results.END}\n")
    readme_results.main(["--readme", str(readme), "--reporting", str(reporting)])
    assert ("**9.0 min** at abc1234 (540 s, 2 cores + 1.0 min generating the cohort (first run only); the whole run "
            "within the 15-min target)") in readme.read_text()
    assert "old" not in readme.read_text()
