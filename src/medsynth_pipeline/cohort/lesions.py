"""Findings: cancers of every grade group and benign mimics (BPH nodules, prostatitis, benign biopsies).

Appearance carries signal about grade and clinical significance but overlaps on purpose: low-grade
cancer looks like BPH or prostatitis, small lesions lose contrast to partial volume, and every property
is drawn with a spread. ProstateX calls a finding clinically significant at Gleason grade group ≥ 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medsynth_pipeline.cohort.anatomy import Anatomy, random_rotation
from medsynth_pipeline.cohort.phantom import Ellipsoid, Structure, Texture, TissueProps
from medsynth_pipeline.cohort.spec import LesionSpec

GLEASON_BY_GGG = {1: ("3+3",), 2: ("3+4",), 3: ("4+3",), 4: ("4+4", "3+5", "5+3"), 5: ("4+5", "5+4", "5+5")}
_MAX_PLACEMENT_TRIES = 4000


@dataclass(frozen=True)
class Lesion:
    """One finding: its ProstateX labels, the ground truth geometry and the structure that renders it."""

    fid: int
    kind: str  # cancer | bph_nodule | prostatitis | benign
    zone: str  # PZ | TZ | AS
    ggg: int  # Gleason grade group 1–5; 0 when there is no cancer
    gleason: str  # e.g. "3+4"; "" when there is no cancer
    clin_sig: bool
    centre: tuple[float, float, float]  # LPS mm in the T2w frame
    radius_mm: float  # equivalent-sphere radius of the main body
    structure: Structure


def _choice(rng: np.random.Generator, weights: dict[str, float] | tuple[float, ...]) -> int | str:
    keys = list(weights) if isinstance(weights, dict) else list(range(len(weights)))
    p = np.asarray(list(weights.values()) if isinstance(weights, dict) else weights, dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _place(
    anatomy: Anatomy, zone: str, radius: float, placed: list[Lesion], rng: np.random.Generator
) -> np.ndarray:
    """A centre in ``zone``, well inside the gland, not overlapping earlier lesions."""
    prostate = anatomy.prostate
    reach = max(prostate.semi_axes)
    centre = np.asarray(prostate.centre)
    for attempt in range(_MAX_PLACEMENT_TRIES):
        p = centre + rng.uniform(-reach, reach, size=3)
        if prostate.normalised_radius(p) > 0.85 or anatomy.zone_of(p) != zone:
            continue
        spaced = all(np.linalg.norm(p - np.asarray(o.centre)) >= radius + o.radius_mm + 2.0 for o in placed)
        if spaced or attempt > _MAX_PLACEMENT_TRIES // 2:  # a crowded small gland may have to accept overlap
            return np.round(p, 2)
    raise RuntimeError(
        f"cohort: could not place a lesion in zone {zone} of a prostate of {prostate.semi_axes} mm"
    )


def _shapes(
    centre: np.ndarray, radius: float, irregular: bool, rng: np.random.Generator
) -> tuple[Ellipsoid, ...]:
    """A main ellipsoid of the given equivalent radius, plus satellites that make infiltrative shapes irregular."""
    elong = rng.uniform(0.75, 1.3, size=3)
    elong /= np.cbrt(np.prod(elong))
    shapes = [
        Ellipsoid(
            tuple(float(v) for v in centre), tuple(float(v) for v in radius * elong), random_rotation(rng)
        )
    ]
    for _ in range(int(rng.integers(0, 3)) if irregular else 0):
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        sat_centre = centre + direction * radius * rng.uniform(0.5, 0.8)
        sat_axes = radius * rng.uniform(0.4, 0.65, size=3)
        shapes.append(
            Ellipsoid(
                tuple(float(v) for v in sat_centre), tuple(float(v) for v in sat_axes), random_rotation(rng)
            )
        )
    return tuple(shapes)


def sample_lesions(spec: LesionSpec, anatomy: Anatomy, rng: np.random.Generator) -> list[Lesion]:
    """This patient's findings (at least one, as every ProstateX case has)."""
    n_findings = int(_choice(rng, spec.findings_per_patient)) + 1
    lesions: list[Lesion] = []
    for fid in range(1, n_findings + 1):
        kind = str(_choice(rng, dict(spec.kind_probabilities)))
        app = spec.appearance[kind]
        ggg = int(_choice(rng, spec.ggg_probabilities)) + 1 if kind == "cancer" else 0
        idx = ggg - 1 if len(app.adc) > 1 else 0
        zone = str(_choice(rng, dict(app.zones)))
        radius = round(float(rng.uniform(*app.radius_mm[min(idx, len(app.radius_mm) - 1)])), 2)
        centre = _place(anatomy, zone, radius, lesions, rng)
        host = anatomy.zone_tissues[zone]
        props = TissueProps(
            pd=host.pd,
            t1_ms=host.t1_ms,
            t2_ms=float(np.clip(rng.normal(app.t2_ms[min(idx, len(app.t2_ms) - 1)], app.t2_sd), 35, 300)),
            adc=float(np.clip(rng.normal(app.adc[min(idx, len(app.adc) - 1)], app.adc_sd), 350, 2600)),
            ktrans=float(
                np.clip(rng.normal(app.ktrans[min(idx, len(app.ktrans) - 1)], app.ktrans_sd), 0.03, 1.5)
            ),
            dwi_pd=host.dwi_pd,
            texture=app.texture,
        )
        structure = Structure(
            name=f"lesion_{fid}",
            tissue=props,
            shapes=_shapes(centre, radius, kind in ("cancer", "prostatitis"), rng),
            clip_to=(anatomy.prostate,),
            edge_mm=float(rng.uniform(*app.edge_mm)),
            texture=Texture.sample(rng, (2.0, 6.0)),
        )
        gleason = str(rng.choice(GLEASON_BY_GGG[ggg])) if ggg else ""
        lesions.append(
            Lesion(
                fid,
                kind,
                zone,
                ggg,
                gleason,
                bool(ggg >= spec.min_ggg_clinsig),
                tuple(float(v) for v in centre),
                radius,
                structure,
            )
        )
    return lesions
