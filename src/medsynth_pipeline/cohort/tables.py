"""Findings tables in the ProstateX / ProstateX-2 formats, and the ground truth kept aside for tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medsynth_pipeline.cohort.geometry import Grid
from medsynth_pipeline.cohort.plan import CohortPlan

FINDINGS_COLUMNS = ["ProxID", "fid", "pos", "zone", "ClinSig"]
PROSTATEX2_COLUMNS = ["ProxID", "fid", "pos", "zone", "ggg"]
IMAGES_COLUMNS = [
    "ProxID",
    "Name",
    "fid",
    "pos",
    "WorldMatrix",
    "ijk",
    "TopLevel",
    "SpacingBetweenSlices",
    "VoxelSpacing",
    "Dim",
    "DCMSerDescr",
    "DCMSerNum",
]
KTRANS_IMAGES_COLUMNS = ["ProxID", "fid", "pos", "WorldMatrix", "ijk"]
COHORT_TRUTH_COLUMNS = [
    "patient_id",
    "sequence",
    "tx",
    "ty",
    "tz",
    "rx",
    "ry",
    "rz",
    "center_x",
    "center_y",
    "center_z",
]
LESION_TRUTH_COLUMNS = [
    "patient_id",
    "fid",
    "kind",
    "zone",
    "ggg",
    "gleason",
    "clin_sig",
    "center_x",
    "center_y",
    "center_z",
    "radius_mm",
    "edge_mm",
    "n_blobs",
    "adc",
    "t2_ms",
    "ktrans",
]


def format_pos(point: tuple[float, float, float]) -> str:
    """ProstateX ``pos``: LPS millimetres "x y z"."""
    return " ".join(f"{v:g}" for v in point)


def _world_matrix(grid: Grid) -> str:
    return ",".join(f"{v:.10g}" for v in grid.world_matrix().ravel())


def _ijk(grid: Grid, point: tuple[float, float, float]) -> str:
    return " ".join(str(int(v)) for v in np.rint(grid.physical_to_index(np.asarray(point))))


def findings_table(plan: CohortPlan) -> pd.DataFrame:
    """``ProstateX-Findings-Train.csv``: every finding, ClinSig as TRUE/FALSE."""
    rows = [
        (p.patient_id, les.fid, format_pos(les.centre), les.zone, "TRUE" if les.clin_sig else "FALSE")
        for p in plan.patients
        for les in p.lesions
    ]
    return pd.DataFrame(rows, columns=FINDINGS_COLUMNS)


def prostatex2_findings_table(plan: CohortPlan) -> pd.DataFrame:
    """``ProstateX-2-Findings-Train.csv``: the biopsy-proven cancers with their Gleason grade group."""
    rows = [
        (p.patient_id, les.fid, format_pos(les.centre), les.zone, les.ggg)
        for p in plan.patients
        for les in p.lesions
        if les.ggg > 0
    ]
    return pd.DataFrame(rows, columns=PROSTATEX2_COLUMNS)


def images_table(plan: CohortPlan) -> pd.DataFrame:
    """``ProstateX-Images-Train.csv``: each finding located in each DICOM series (index from the header geometry)."""
    rows = []
    for p in plan.patients:
        for series in (s for s in p.series if s.kind != "KTRANS"):
            g = series.grid
            for les in p.lesions:
                rows.append(
                    (
                        p.patient_id,
                        f"{series.description}0",
                        les.fid,
                        format_pos(les.centre),
                        _world_matrix(g),
                        _ijk(g, les.centre),
                        0,
                        f"{g.spacing[2]:g}",
                        ",".join(f"{v:g}" for v in g.spacing),
                        "x".join(str(v) for v in (*g.size, 1)),
                        series.description,
                        series.number,
                    )
                )
    return pd.DataFrame(rows, columns=IMAGES_COLUMNS)


def ktrans_images_table(plan: CohortPlan) -> pd.DataFrame:
    """``ProstateX-Images-KTrans-Train.csv``: each finding located in the Ktrans volume."""
    rows = []
    for p in plan.patients:
        g = p.series_of("KTRANS").grid
        rows += [
            (p.patient_id, les.fid, format_pos(les.centre), _world_matrix(g), _ijk(g, les.centre))
            for les in p.lesions
        ]
    return pd.DataFrame(rows, columns=KTRANS_IMAGES_COLUMNS)


def cohort_truth_table(plan: CohortPlan) -> pd.DataFrame:
    """Per patient and moving sequence, the rigid offset applied (see ``RigidOffset`` for the convention)."""
    rows = []
    for p in plan.patients:
        for kind, off in p.offsets.items():
            rows.append((p.patient_id, kind, *off.translation_mm, *off.rotation_deg, *off.centre_mm))
    return pd.DataFrame(rows, columns=COHORT_TRUTH_COLUMNS)


def lesions_truth_table(plan: CohortPlan) -> pd.DataFrame:
    """Every lesion with its kind, grade, true centre (LPS mm, T2w frame), size and drawn appearance."""
    rows = []
    for p in plan.patients:
        for les in p.lesions:
            t = les.structure.tissue
            rows.append(
                (
                    p.patient_id,
                    les.fid,
                    les.kind,
                    les.zone,
                    les.ggg,
                    les.gleason,
                    les.clin_sig,
                    *les.centre,
                    les.radius_mm,
                    round(les.structure.edge_mm, 3),
                    len(les.structure.shapes),
                    round(t.adc, 1),
                    round(t.t2_ms, 2),
                    round(t.ktrans, 4),
                )
            )
    return pd.DataFrame(rows, columns=LESION_TRUTH_COLUMNS)
