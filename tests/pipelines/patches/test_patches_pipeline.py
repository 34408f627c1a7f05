"""The patches pipeline (splits + one namespaced instance per preset) on tiny registered volumes."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk
import torch
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from medsynth_pipeline.pipelines.patches import PRESETS, create_pipeline
from medsynth_pipeline.pipelines.patches.nodes import (
    METADATA_COLUMNS,
    extract_patches,
    make_patient_splits,
    plot_patch_grid,
    summarise_patches,
)

from ..conftest import KeptMemoryDataset

ROOT = Path(__file__).resolve().parents[3]
N_PATIENTS = 8
BACKGROUND_ADC, LESION_ADC = 1800.0, 700.0


def _params() -> dict:
    return yaml.safe_load((ROOT / "conf/base/parameters_patches.yml").read_text())["patches"]


def _grid() -> sitk.Image:
    image = sitk.Image([64, 64, 12], sitk.sitkFloat32)
    image.SetSpacing((1.0, 1.0, 3.0))
    image.SetOrigin((-31.5, -31.5, -16.5))
    return image


def _lesion_position(i: int) -> tuple[float, float, float]:
    return (-6.0 + i, 4.0 - i, 1.5 if i % 2 else 4.5)  # always on a slice (origin -16.5, 3 mm)


def _registered_volumes() -> dict[str, sitk.Image]:
    """Per patient T2W / ADC / KTRANS on one grid; a round lesion (dark ADC, high Ktrans, dark T2w)."""
    grid = _grid()
    k, j, i = np.indices(grid.GetSize()[::-1])
    points = np.stack([i, j, k], axis=-1) * np.array(grid.GetSpacing()) + np.array(grid.GetOrigin())
    volumes = {}
    for n in range(N_PATIENTS):
        pid = f"ProstateX-{n:04d}"
        inside = np.linalg.norm(points - np.array(_lesion_position(n)), axis=-1) < 4.0
        maps = {"ADC": np.where(inside, LESION_ADC, BACKGROUND_ADC), "KTRANS": np.where(inside, 0.5, 0.15),
                "T2W": np.where(inside, 200.0, 500.0) + np.arange(points[..., 0].size).reshape(inside.shape) % 7}  # fmt: skip
        kinds = ("T2W", "ADC") if n == N_PATIENTS - 1 else ("T2W", "ADC", "KTRANS")  # last: no Ktrans
        for kind in kinds:
            image = sitk.GetImageFromArray(maps[kind].astype(np.float32))
            image.CopyInformation(grid)
            volumes[f"{pid}/{kind}"] = image
    return volumes


def _lesions() -> pd.DataFrame:
    rows = []
    for n in range(N_PATIENTS - 1):  # the second-to-last patient... all but the last have one finding
        x, y, z = _lesion_position(n)
        rows.append({"patient_id": f"ProstateX-{n:04d}", "fid": 1, "pos_x": x, "pos_y": y, "pos_z": z,
                     "zone": "PZ" if n % 2 else "TZ", "clin_sig": n % 3 == 0, "ggg": 2 if n % 3 == 0 else pd.NA,
                     "gleason": "3+4" if n % 3 == 0 else pd.NA})  # fmt: skip
    table = pd.DataFrame(rows)
    return table.astype({"ggg": "Int64", "gleason": "string"})


@pytest.fixture(scope="module")
def run_outputs() -> DataCatalog:
    params = _params()
    datasets = {
        "registered_volumes": MemoryDataset(_registered_volumes(), copy_mode="assign"),
        "lesions": MemoryDataset(_lesions()),
        "params:patches.splits": MemoryDataset(params["splits"]),
        "params:patches.normalisation": MemoryDataset(params["normalisation"]),
        "params:patches.background": MemoryDataset(params["background"]),
        "params:patches.grid": MemoryDataset(params["grid"]),
        "patient_splits": KeptMemoryDataset(),
    }
    for preset in PRESETS:
        datasets[f"params:patches.{preset}"] = MemoryDataset(params[preset])
        for name in ("patches", "patch_metadata"):
            datasets[f"patches.{preset}.{name}"] = KeptMemoryDataset(copy_mode="assign")
        for name in ("patch_summary", "patch_grid"):  # figures cannot be deep-copied quickly
            datasets[f"patches.{preset}.{name}"] = MemoryDataset(copy_mode="assign")
        datasets[f"patches.{preset}.patch_location"] = KeptMemoryDataset(copy_mode="assign")
    catalog = DataCatalog(datasets)
    SequentialRunner().run(create_pipeline(), catalog)
    plt.close("all")
    return catalog


def test_every_preset_yields_its_tensor_contract(run_outputs):
    params = _params()
    for preset in PRESETS:
        patches = run_outputs.load(f"patches.{preset}.patches")
        meta = run_outputs.load(f"patches.{preset}.patch_metadata")
        spec = params[preset]
        images = patches["images"]
        assert images.dtype == torch.float32 and images.ndim == 4
        assert images.shape[1:] == (len(spec["channels"]), spec["size_px"], spec["size_px"])
        assert patches["channels"] == spec["channels"]
        assert patches["spacing_mm"] == pytest.approx(spec["size_mm"] / spec["size_px"])
        assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
        assert list(meta.columns) == METADATA_COLUMNS and len(meta) == len(images)


def test_lesion_patches_show_the_lesion_at_their_centre(run_outputs):
    patches = run_outputs.load("patches.kitchen_seah_16mm.patches")
    meta = run_outputs.load("patches.kitchen_seah_16mm.patch_metadata")
    adc = patches["images"][:, patches["channels"].index("ADC")].numpy()
    lesion, background = adc[meta["is_lesion"].to_numpy()], adc[~meta["is_lesion"].to_numpy()]
    assert len(lesion) == N_PATIENTS - 1  # one finding for every patient but the last
    assert np.allclose(lesion[:, 7:9, 7:9], LESION_ADC / 3000.0, atol=1e-3)  # centre pixels: the lesion
    assert np.allclose(lesion[:, 0, 0], BACKGROUND_ADC / 3000.0, atol=1e-3)  # corners: normal tissue
    assert np.all(background[:, 7:9, 7:9] > lesion[:, 7:9, 7:9].max())  # negatives miss the lesion
    centres = meta.loc[meta["is_lesion"], ["patient_id", "center_x", "center_y", "center_z"]]
    for row in centres.itertuples():
        assert (row.center_x, row.center_y, row.center_z) == pytest.approx(_lesion_position(int(row.patient_id[-4:])))


def test_location_figure_boxes_the_first_clin_sig_training_finding(run_outputs):
    """001 Fig. 1: the slice through the finding, a box of the patch's size in mm centred on it."""
    meta = run_outputs.load("patches.kitchen_seah_16mm.patch_metadata")
    found = meta[meta["is_lesion"] & meta["clin_sig"].fillna(False).astype(bool) & (meta["split"] == "train")]
    first = found.sort_values("patient_id").iloc[0]
    figure = run_outputs.load("patches.kitchen_seah_16mm.patch_location")
    slice_ax = figure.axes[0]
    (box,) = slice_ax.patches
    x, y, z = _lesion_position(int(first["patient_id"][-4:]))
    assert box.get_width() == box.get_height() == pytest.approx(16.0)  # 16 mm at the grid's 1 mm pixels
    assert box.get_x() + 8.0 == pytest.approx(x + 31.5) and box.get_y() + 8.0 == pytest.approx(y + 31.5)
    assert first["patient_id"] in slice_ax.get_title() and f"slice {round((z + 16.5) / 3.0)}" in slice_ax.get_title()
    assert [ax.get_title() for ax in figure.axes[1:]] == ["T2W", "ADC", "KTRANS"]
    shown = slice_ax.images[0].get_array()
    assert shown[round(y + 31.5), round(x + 31.5)] < shown[0, 0]  # the dark-T2w lesion is inside the box


def test_labels_come_from_the_lesions_table(run_outputs):
    meta = run_outputs.load("patches.prostategan_32.patch_metadata")
    lesions = _lesions().set_index("patient_id")
    for row in meta[meta["is_lesion"]].itertuples():
        source = lesions.loc[row.patient_id]
        assert row.clin_sig == bool(source.clin_sig) and row.zone == source.zone and row.fid == 1
        assert (pd.isna(row.ggg) and pd.isna(source.ggg)) or row.ggg == source.ggg
        assert (pd.isna(row.gleason_score) and pd.isna(source.gleason)) or row.gleason_score == source.gleason
    negatives = meta[~meta["is_lesion"]]
    assert len(negatives) > 0 and not negatives["clin_sig"].any() and negatives["fid"].isna().all()
    assert meta["patient_id"].nunique() == N_PATIENTS  # single-channel ADC: the patient without Ktrans too
    assert str(meta["ggg"].dtype) == "Int64" and meta["clin_sig"].dtype == bool


def test_splits_are_patient_level_and_shared_by_all_presets(run_outputs):
    splits = run_outputs.load("patient_splits")
    assert splits["patient_id"].is_unique and len(splits) == N_PATIENTS
    split_of = dict(zip(splits["patient_id"], splits["split"], strict=True))
    for preset in PRESETS:
        meta = run_outputs.load(f"patches.{preset}.patch_metadata")
        assert (meta["split"] == meta["patient_id"].map(split_of)).all()
        assert meta.groupby("patient_id")["split"].nunique().eq(1).all()


def test_volume_preset_takes_whole_crop_slices(run_outputs):
    patches = run_outputs.load("patches.mpmri_64.patches")
    meta = run_outputs.load("patches.mpmri_64.patch_metadata")
    assert patches["channels"] == ["ADC", "T2W"] and patches["images"].shape[-1] == 64
    assert np.allclose(meta[["center_x", "center_y"]].to_numpy(), 0.0)  # the crop centre in-plane
    lesion_z = meta.loc[meta["is_lesion"], ["patient_id", "center_z"]]
    for row in lesion_z.itertuples():
        assert row.center_z == pytest.approx(_lesion_position(int(row.patient_id[-4:]))[2])
    for pid, group in meta.groupby("patient_id"):  # background slices keep away from the finding's slice
        z_lesion = group.loc[group["is_lesion"], "center_z"]
        for z in group.loc[~group["is_lesion"], "center_z"]:
            assert all(abs(z - zl) >= 8.0 for zl in z_lesion), pid


def test_summary_and_grid_nodes():
    meta = pd.DataFrame({"patient_id": ["a", "a", "b", "c"], "split": ["train", "train", "test", "test"],
                         "is_lesion": [True, False, True, True], "clin_sig": [True, False, False, True]})  # fmt: skip
    summary = summarise_patches(meta).set_index(["split", "class_name"])
    assert summary.loc[("train", "ClinSig"), "patches"] == 1 and summary.loc[("test", "ClinSig"), "patients"] == 1
    assert summary["patches"].sum() == 4
    patches = {"images": torch.rand(4, 2, 8, 8), "channels": ["ADC", "T2W"], "spacing_mm": 1.0}
    fig = plot_patch_grid(patches, meta, {"per_class": 2, "seed": 0})
    (ax,) = fig.axes
    assert len(ax.get_yticklabels()) == 3 * 2 and "4 patches" in ax.get_title()
    plt.close(fig)


def test_bad_input_is_named():
    volumes, lesions, params = _registered_volumes(), _lesions(), _params()
    splits = make_patient_splits(volumes, lesions, params["splits"])
    no_window = {k: v for k, v in params["normalisation"].items() if k != "KTRANS"}
    with pytest.raises(ValueError, match=r"no window for channel\(s\) \['KTRANS'\]"):
        extract_patches(volumes, lesions, splits, params["kitchen_seah_16mm"], no_window, params["background"])
    with pytest.raises(ValueError, match="ProstateX-0000 is registered but absent from patient_splits"):
        extract_patches(volumes, lesions, splits.iloc[1:], params["prostategan_32"], params["normalisation"], params["background"])
    with pytest.raises(ValueError, match="'<patient_id>/<KIND>'"):
        make_patient_splits({"ProstateX-0000": None}, lesions, params["splits"])


def test_presets_in_code_match_the_parameters():
    params = _params()
    assert set(PRESETS) <= set(params)
    assert set(params) - set(PRESETS) == {"splits", "normalisation", "background", "grid"}
