"""The generated series are valid MR DICOM that pydicom and SimpleITK read with the planned geometry."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage

from medsynth_pipeline.cohort import PatientPlan


def _series_dirs(raw: Path) -> list[Path]:
    return sorted({p.parent for p in (raw / "PROSTATEx").rglob("*.dcm")})


def _plan_series(patients: tuple[PatientPlan, ...], folder: Path, raw: Path):
    rel = folder.relative_to(raw).as_posix()
    for patient in patients:
        for series in patient.series:
            if series.path == rel:
                return patient, series
    raise AssertionError(f"{rel} is not in the plan")


def test_every_file_is_mr_image_storage_without_personal_data(tiny_cohort) -> None:
    files = sorted((tiny_cohort.raw / "PROSTATEx").rglob("*.dcm"))
    assert len(files) == sum(s.grid.size[2] for p in tiny_cohort.plan.patients for s in p.series if s.uid)
    sop_uids = set()
    for path in files:
        ds = pydicom.dcmread(path)
        assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        assert ds.SOPClassUID == MRImageStorage == ds.file_meta.MediaStorageSOPClassUID
        assert ds.SOPInstanceUID == ds.file_meta.MediaStorageSOPInstanceUID
        assert ds.Modality == "MR"
        patient = path.relative_to(tiny_cohort.raw / "PROSTATEx").parts[0]
        assert str(ds.PatientName) == ds.PatientID == patient
        assert not ds.get("PatientBirthDate") and "PatientAddress" not in ds and "OtherPatientNames" not in ds
        for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID, ds.FrameOfReferenceUID):
            assert uid.is_valid, uid
        sop_uids.add(ds.SOPInstanceUID)
        assert ds.pixel_array.shape == (ds.Rows, ds.Columns)
    assert len(sop_uids) == len(files)  # unique instances


def test_uids_group_series_studies_and_frames(tiny_cohort) -> None:
    series_of_uid: dict[str, set[Path]] = defaultdict(set)
    study_of_patient: dict[str, set[str]] = defaultdict(set)
    frame_of_patient: dict[str, set[str]] = defaultdict(set)
    for path in (tiny_cohort.raw / "PROSTATEx").rglob("*.dcm"):
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        series_of_uid[ds.SeriesInstanceUID].add(path.parent)
        study_of_patient[ds.PatientID].add(ds.StudyInstanceUID)
        frame_of_patient[ds.PatientID].add(ds.FrameOfReferenceUID)
    assert all(len(folders) == 1 for folders in series_of_uid.values())  # one folder per series and back
    assert len(series_of_uid) == len(_series_dirs(tiny_cohort.raw)) == 4 * len(tiny_cohort.plan.patients)
    assert all(len(v) == 1 for v in study_of_patient.values()) and all(
        len(v) == 1 for v in frame_of_patient.values()
    )
    assert len(set().union(*study_of_patient.values())) == len(tiny_cohort.plan.patients)


def test_simpleitk_reads_each_series_with_the_planned_geometry(tiny_cohort) -> None:
    kinds = set()
    for folder in _series_dirs(tiny_cohort.raw):
        patient, series = _plan_series(tiny_cohort.plan.patients, folder, tiny_cohort.raw)
        reader = sitk.ImageSeriesReader()
        assert len(reader.GetGDCMSeriesIDs(str(folder))) == 1
        reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
        image = reader.Execute()
        grid = series.grid
        assert image.GetSize() == grid.size, folder.name
        np.testing.assert_allclose(image.GetSpacing(), grid.spacing, atol=1e-4)
        np.testing.assert_allclose(image.GetOrigin(), grid.origin, atol=1e-4)
        np.testing.assert_allclose(image.GetDirection(), grid.direction, atol=1e-6)
        kinds.add(series.kind)
    assert kinds == {"T2W", "T2W_SAG", "ADC", "DWI"}


def test_geometry_tags_are_consistent_slice_by_slice(tiny_cohort) -> None:
    for folder in _series_dirs(tiny_cohort.raw):
        _, series = _plan_series(tiny_cohort.plan.patients, folder, tiny_cohort.raw)
        grid = series.grid
        positions = {}
        for path in folder.glob("*.dcm"):
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            k = int(ds.InstanceNumber) - 1
            assert path.name == f"1-{k + 1:02d}.dcm"
            np.testing.assert_allclose(
                [float(v) for v in ds.ImagePositionPatient], grid.slice_origin(k), atol=1e-5
            )
            np.testing.assert_allclose(
                [float(v) for v in ds.ImageOrientationPatient], grid.image_orientation_patient(), atol=1e-6
            )
            assert [float(v) for v in ds.PixelSpacing] == pytest.approx([grid.spacing[1], grid.spacing[0]])
            assert (ds.Columns, ds.Rows) == grid.size[:2]
            assert float(ds.SpacingBetweenSlices) == pytest.approx(grid.spacing[2])
            assert float(ds.SliceThickness) > 0
            positions[k] = np.array([float(v) for v in ds.ImagePositionPatient])
        steps = np.diff(np.array([positions[k] for k in sorted(positions)]), axis=0)
        np.testing.assert_allclose(np.linalg.norm(steps, axis=1), grid.spacing[2], atol=1e-5)
        normal = np.cross(*np.array(grid.image_orientation_patient()).reshape(2, 3))
        assert np.all(steps @ normal > 0)  # slices advance along the normal readers derive


def test_rescaled_series_give_back_physical_values(tiny_cohort) -> None:
    patient = tiny_cohort.plan.patients[0]
    folder = tiny_cohort.raw / patient.series_of("DWI").path
    ds = pydicom.dcmread(folder / "1-05.dcm")
    slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
    assert slope != 1.0 and ds.DiffusionBValue == 1400
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(folder)))
    volume = sitk.GetArrayFromImage(reader.Execute())
    np.testing.assert_allclose(volume[4], ds.pixel_array * slope + intercept, rtol=1e-6)
    adc = pydicom.dcmread(tiny_cohort.raw / patient.series_of("ADC").path / "1-05.dcm")
    assert "RescaleSlope" not in adc  # ADC is stored directly in 10⁻⁶ mm²/s, as ProstateX has it
