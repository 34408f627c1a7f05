"""Kedro glue for ingest: parameters in, tables out; the work is in ``medsynth_pipeline.imaging``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from medsynth_pipeline.imaging.ingest.classify import SeriesClassifier
from medsynth_pipeline.imaging.ingest.deid import Pseudonymiser
from medsynth_pipeline.imaging.ingest.findings import find_tables, read_findings
from medsynth_pipeline.imaging.ingest.rejections import rejections_frame
from medsynth_pipeline.imaging.ingest.series_index import IngestOptions, build_series_index
from medsynth_pipeline.imaging.ingest.stack import GeometryTolerance
from medsynth_pipeline.imaging.ingest.summary import summarise
from medsynth_pipeline.imaging.parallel import resolve_workers

logger = logging.getLogger(__name__)


def ingest_options(params: dict[str, Any]) -> IngestOptions:
    """``IngestOptions`` from the ``ingest`` parameters."""
    geometry = params["geometry"]
    return IngestOptions(
        classifier=SeriesClassifier.from_config(params["classification"]),
        pseudonymiser=_pseudonymiser(params),
        tolerance=GeometryTolerance(
            orientation=float(geometry["orientation_tolerance"]),
            pixel_spacing_mm=float(geometry["pixel_spacing_tolerance_mm"]),
            slice_spacing_relative=float(geometry["slice_spacing_tolerance"]),
            in_plane_drift_pixels=float(geometry["in_plane_drift_pixels"]),
            duplicate_position_mm=float(geometry["duplicate_position_mm"]),
        ),
        ignore_globs=tuple(params["ignore_globs"]),
        volume_patient_patterns=tuple(params["volume_patient_patterns"]),
        trust_images_in_acquisition=bool(geometry["trust_images_in_acquisition"]),
        progress=bool(params.get("progress", True)),
        workers=resolve_workers(params.get("workers"), "ingest.workers"),
    )


def raw_dir(params: dict[str, Any]) -> Path:
    """``ingest.raw_dir`` as a path; ``~`` is the user's home (``--params ingest.raw_dir=~/PROSTATEx``)."""
    return Path(str(params["raw_dir"])).expanduser()


def _pseudonymiser(params: dict[str, Any]) -> Pseudonymiser:
    config = params["pseudonymise"]
    return Pseudonymiser(
        enabled=bool(config["enabled"]), salt_env=config["salt_env"], prefix=config["prefix"]
    )


def index_series(params: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Scan ``ingest.raw_dir``: the ``series_index``, the rejected files/series, and scan statistics."""
    result = build_series_index(raw_dir(params), ingest_options(params))
    return result.series_index, rejections_frame(result.rejections), result.stats


def read_lesions(params: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``lesions`` table from the findings tables under ``raw_dir`` (or named in the parameters)."""
    config = params["findings"]
    tables = find_tables(raw_dir(params), config["name_globs"], config.get("paths") or [])
    if not tables:
        logger.warning(
            "ingest: no findings table under %s (looked for %s)", params["raw_dir"], config["name_globs"]
        )
    pseudonymiser = _pseudonymiser(params)
    result = read_findings(tables, pseudonymiser.patient_id, float(config["position_tolerance_mm"]))
    logger.info("ingest: %d lesions from %d findings tables", len(result.lesions), len(result.tables))
    return result.lesions, rejections_frame(result.rejections)


def collect_rejections(series_rejections: pd.DataFrame, finding_rejections: pd.DataFrame) -> pd.DataFrame:
    """``rejected_files``: every rejected file, series, volume and findings row."""
    frames = [f for f in (series_rejections, finding_rejections) if len(f)]
    if not frames:
        return series_rejections
    return (
        pd.concat(frames, ignore_index=True)
        .sort_values(["path", "reason"], kind="stable")
        .reset_index(drop=True)
    )


def summarise_ingest(
    series_index: pd.DataFrame,
    lesions: pd.DataFrame,
    rejected_files: pd.DataFrame,
    ingest_stats: dict[str, float],
    params: dict[str, Any],
) -> tuple[pd.DataFrame, str]:
    """``ingest_summary`` (CSV) and its Markdown; the counts also go to the log."""
    table, markdown = summarise(
        series_index, lesions, rejected_files, ingest_stats,
        max_listed_rejections=int(params["summary"]["max_listed_rejections"]),
    )  # fmt: skip
    for section in ("series_kind", "rejection_reason"):
        counts = table[table["section"] == section]
        logger.info(
            "ingest %s: %s", section, ", ".join(f"{r.item}={r.value}" for r in counts.itertuples()) or "none"
        )
    return table, markdown
