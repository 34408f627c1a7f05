"""ops/repro_check.py on files made here: equal content matches, any changed value is caught."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("repro_check", ROOT / "ops" / "repro_check.py")
repro_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(repro_check)


def _write_run(data: Path, weight: float = 0.5, version: str | None = None) -> None:
    torch.save({"images": torch.linspace(0, 1, 48).reshape(3, 1, 4, 4), "channels": ["T2W"]},
               _mk(data / "05_model_input/patches.pt"))
    weights = {"fc.weight": torch.full((2, 2), weight), "fc.bias": torch.zeros(2),
               "bn.num_batches_tracked": torch.tensor(7), "mask": torch.tensor([True, False])}
    folder = data / "06_models/generator.pt" / version / "generator.pt" if version else data / "06_models/generator.pt"
    torch.save(weights, _mk(folder))
    pd.DataFrame({"model": ["dcgan"], "fid": [12.25]}).to_csv(_mk(data / "08_reporting/metrics.csv"), index=False)
    (data / "08_reporting/figure.png").write_bytes(b"not compared")


def _mk(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_identical_runs_match(tmp_path: Path) -> None:
    _write_run(tmp_path / "a")
    _write_run(tmp_path / "b")
    first, second = repro_check.build_manifest(tmp_path / "a"), repro_check.build_manifest(tmp_path / "b")
    assert set(first) == {"05_model_input/patches.pt", "06_models/generator.pt", "08_reporting/metrics.csv"}
    assert repro_check.compare_manifests(first, second) == []


def test_a_changed_weight_is_caught(tmp_path: Path) -> None:
    _write_run(tmp_path / "a")
    _write_run(tmp_path / "b", weight=0.5000001)
    problems = repro_check.compare_manifests(repro_check.build_manifest(tmp_path / "a"),
                                             repro_check.build_manifest(tmp_path / "b"))
    assert problems == ["differs: 06_models/generator.pt"]


def test_timings_do_not_count_but_metrics_do(tmp_path: Path) -> None:
    def table(seconds: float, fid: float, rate: float) -> Path:
        path = tmp_path / f"{seconds}_{fid}_{rate}.csv"
        pd.DataFrame({"model": ["dcgan"], "wall_seconds_this_process": [seconds], "images_per_second": [rate],
                      "fid": [fid]}).to_csv(path, index=False)
        return path

    def long_table(seconds: float, patients: int) -> Path:
        path = tmp_path / f"long_{seconds}_{patients}.csv"
        pd.DataFrame({"section": ["totals"] * 3, "item": ["patients", "seconds", "header files per second"],
                      "value": [patients, seconds, 100 / seconds]}).to_csv(path, index=False)
        return path

    checksum = repro_check.content_checksum
    assert checksum(table(1.0, 12.5, 10.0)) == checksum(table(2.0, 12.5, 5.0)) != checksum(table(1.0, 12.6, 10.0))
    assert checksum(long_table(0.5, 3)) == checksum(long_table(0.7, 3)) != checksum(long_table(0.5, 4))


def test_tensor_checksum_ignores_dict_order_but_not_dtype(tmp_path: Path) -> None:
    torch.save({"a": torch.ones(2), "b": torch.zeros(2)}, tmp_path / "x.pt")
    torch.save({"b": torch.zeros(2), "a": torch.ones(2)}, tmp_path / "y.pt")
    torch.save({"a": torch.ones(2, dtype=torch.float64), "b": torch.zeros(2)}, tmp_path / "z.pt")
    checksum = repro_check.content_checksum
    assert checksum(tmp_path / "x.pt") == checksum(tmp_path / "y.pt") != checksum(tmp_path / "z.pt")


def test_newest_version_counts_under_the_dataset_name(tmp_path: Path) -> None:
    _write_run(tmp_path, weight=1.0, version="2026-01-01T00.00.00.000Z")
    _write_run(tmp_path, weight=2.0, version="2026-01-02T00.00.00.000Z")
    manifest = repro_check.build_manifest(tmp_path)
    assert "06_models/generator.pt/generator.pt" in manifest
    newest = tmp_path / "06_models/generator.pt/2026-01-02T00.00.00.000Z/generator.pt"
    assert manifest["06_models/generator.pt/generator.pt"] == repro_check.content_checksum(newest)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write_run(tmp_path / "a")
    _write_run(tmp_path / "b")
    assert repro_check.main(["manifest", "--data", str(tmp_path / "a"), "--out", str(tmp_path / "1.json")]) == 0
    assert repro_check.main(["manifest", "--data", str(tmp_path / "b"), "--out", str(tmp_path / "2.json")]) == 0
    assert repro_check.main(["compare", str(tmp_path / "1.json"), str(tmp_path / "2.json")]) == 0
    (tmp_path / "b/08_reporting/metrics.csv").write_text("model,fid\ndcgan,12.5\n")
    assert repro_check.main(["manifest", "--data", str(tmp_path / "b"), "--out", str(tmp_path / "2.json")]) == 0
    assert repro_check.main(["compare", str(tmp_path / "1.json"), str(tmp_path / "2.json")]) == 1
    assert "differs: 08_reporting/metrics.csv" in capsys.readouterr().out
    assert json.loads((tmp_path / "1.json").read_text())
