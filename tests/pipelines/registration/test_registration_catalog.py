"""catalog_registration.yml: every dataset of the pipeline is declared, layered, and round-trips on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import SimpleITK as sitk
import yaml
from kedro.io import DataCatalog

from medsynth_pipeline.pipelines.registration import create_pipeline

ROOT = Path(__file__).resolve().parents[3]
UPSTREAM = {"series_index", "lesions"}  # declared by ingest


def _config(tmp_path: Path) -> dict:
    """The catalog entries with their paths moved under ``tmp_path``."""
    config = yaml.safe_load((ROOT / "conf/base/catalog_registration.yml").read_text())

    def move(entry: dict) -> None:
        for key in ("path", "filepath"):
            if key in entry:
                entry[key] = str(tmp_path / entry[key])
        if isinstance(entry.get("dataset"), dict):
            move(entry["dataset"])

    for entry in config.values():
        move(entry)
    return config


def test_every_dataset_is_declared_with_a_layer():
    config = yaml.safe_load((ROOT / "conf/base/catalog_registration.yml").read_text())
    names = {n for n in create_pipeline().datasets() if not n.startswith("params:")} - UPSTREAM
    assert names == set(config)
    layers = {name: entry["metadata"]["kedro-viz"]["layer"] for name, entry in config.items()}
    assert layers == {"registered_volumes": "primary", "registration_report": "reporting", "registration_check": "reporting"}
    for name in ("registration_report", "registration_check"):  # users read them in MLflow too
        assert config[name]["type"] == "kedro_mlflow.io.artifacts.MlflowArtifactDataset"


def test_registered_volumes_round_trip_as_patient_kind_partitions(tmp_path):
    catalog = DataCatalog.from_config(_config(tmp_path))
    image = sitk.GetImageFromArray(np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4))
    image.SetSpacing((1.0, 1.0, 3.0))
    image.SetOrigin((-10.0, 5.0, 2.5))
    catalog.save("registered_volumes", {"ProstateX-0000/T2W": image, "ProstateX-0000/ADC": image * 2})
    assert (tmp_path / "data/03_primary/registered_volumes/ProstateX-0000/ADC.mha").exists()
    loaded = catalog.load("registered_volumes")
    assert sorted(loaded) == ["ProstateX-0000/ADC", "ProstateX-0000/T2W"]
    adc = loaded["ProstateX-0000/ADC"]()
    assert adc.GetOrigin() == (-10.0, 5.0, 2.5) and adc.GetSpacing() == (1.0, 1.0, 3.0)
    assert np.array_equal(sitk.GetArrayFromImage(adc), 2 * sitk.GetArrayFromImage(image))
    # a rerun on fewer patients leaves no stale partition (overwrite: true)
    catalog.save("registered_volumes", {"ProstateX-0001/T2W": image})
    assert sorted(catalog.load("registered_volumes")) == ["ProstateX-0001/T2W"]
