"""Everything that defines a generated cohort, as frozen dataclasses with ProstateX-like defaults.

Ranges ``(low, high)`` are drawn uniformly per patient (tissues, anatomy) or per lesion. Named presets
(``prostatex``: full-size series as ProstateX acquires them; ``tiny``: small matrices for tests) are
applied first, then the caller's overrides, both as nested mappings that mirror the dataclasses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Range = tuple[float, float]


@dataclass(frozen=True)
class SeriesSpec:
    """Nominal planning of one acquisition (what its header describes)."""

    matrix: tuple[int, int]  # columns (along a row), rows
    pixel_spacing_mm: tuple[float, float]  # along a row, down a column
    n_slices: int
    slice_thickness_mm: float
    slice_spacing_mm: float
    fov_shift_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # FOV centre relative to the prostate centre
    fov_jitter_mm: float = 4.0  # per-patient planning variation, uniform ± on each axis


@dataclass(frozen=True)
class T2wSpec:
    """Turbo spin echo T2w: ``S = scale · PD · (1 − e^(−TR/T1)) · e^(−TE/T2)``, Rician noise, coil bias."""

    axial: SeriesSpec = SeriesSpec((320, 320), (0.5625, 0.5625), 20, 3.0, 3.0, (0.0, 0.0, 6.0))
    sagittal: SeriesSpec = SeriesSpec((256, 256), (0.625, 0.625), 15, 4.0, 4.0)
    write_sagittal: bool = True
    tr_ms: float = 5660.0
    te_ms: float = 104.0
    signal_scale: float = 1600.0
    noise_sigma: float = 14.0
    bias_strength: float = 0.08  # std of the log-bias polynomial coefficients


@dataclass(frozen=True)
class DwiSpec:
    """Fat-suppressed EPI DWI at ``b_values``; ADC from a log-linear fit; a computed high-b image."""

    series: SeriesSpec = SeriesSpec((128, 84), (2.0, 2.0), 19, 3.0, 3.0, (0.0, -8.0, 4.5))
    tr_ms: float = 2700.0  # header only: the signal model needs no T1 weighting at this TR
    te_ms: float = 81.0
    b_values: tuple[float, ...] = (50.0, 400.0, 800.0)
    calc_b_value: float = 1400.0
    signal_scale: float = 1000.0
    noise_sigma: float = 12.0
    bias_strength: float = 0.10
    background_snr: float = 4.0  # the scanner writes ADC 0 where the b-low signal is below this × noise
    adc_max: float = 4000.0


@dataclass(frozen=True)
class KtransSpec:
    """Ktrans map (/min) from DCE at DCE resolution: tissue values, blur, Gaussian fitting noise."""

    grid: SeriesSpec = SeriesSpec((128, 128), (1.5, 1.5), 16, 4.0, 4.0, (0.0, -6.0, 0.0))
    noise_sigma: float = 0.025
    blur_mm: float = 1.5


@dataclass(frozen=True)
class MisalignmentSpec:
    """Rigid patient motion of the moving sequences relative to the T2w, uniform ± per axis."""

    max_translation_mm: tuple[float, float, float] = (4.0, 4.0, 3.0)
    max_rotation_deg: tuple[float, float, float] = (3.0, 3.0, 3.0)


@dataclass(frozen=True)
class TissueSpec:
    """MR properties of a tissue, each a per-patient range; ``dwi_pd`` < 1 models fat suppression."""

    pd: Range
    t1_ms: Range
    t2_ms: Range
    adc: Range  # 10⁻⁶ mm²/s
    ktrans: Range  # /min
    dwi_pd: Range = (1.0, 1.0)
    texture: float = 0.05  # relative amplitude of smooth spatial heterogeneity


def _default_tissues() -> dict[str, TissueSpec]:
    return {
        "fat": TissueSpec((1.0, 1.0), (370, 390), (120, 140), (400, 600), (0.01, 0.03), (0.04, 0.06), 0.0),
        "muscle": TissueSpec((0.7, 0.8), (1350, 1450), (38, 46), (1300, 1500), (0.05, 0.08), texture=0.05),
        "cortical_bone": TissueSpec((0.04, 0.06), (1000, 1000), (2, 3), (200, 400), (0.0, 0.0), texture=0.0),
        "bone_marrow": TissueSpec(
            (0.85, 0.95), (500, 600), (70, 90), (350, 500), (0.02, 0.04), (0.1, 0.2), 0.08
        ),
        "urine": TissueSpec((1.0, 1.0), (2800, 3200), (1200, 1800), (2800, 3100), (0.0, 0.0), texture=0.0),
        "rectal_wall": TissueSpec(
            (0.75, 0.85), (1250, 1350), (45, 60), (1200, 1500), (0.12, 0.2), texture=0.05
        ),
        "rectal_content": TissueSpec(
            (0.02, 0.15), (1000, 1000), (50, 70), (1400, 1600), (0.0, 0.0), texture=0.3
        ),
        "seminal_vesicle": TissueSpec(
            (1.0, 1.0), (2400, 2600), (250, 400), (1700, 2100), (0.08, 0.14), texture=0.1
        ),
        "pz": TissueSpec((0.88, 0.92), (1900, 2100), (130, 190), (1600, 2000), (0.10, 0.20), texture=0.08),
        "tz": TissueSpec((0.83, 0.87), (1650, 1750), (75, 100), (1100, 1400), (0.10, 0.20), texture=0.15),
        "afms": TissueSpec((0.7, 0.8), (1350, 1450), (40, 55), (1000, 1200), (0.05, 0.10), texture=0.05),
    }


@dataclass(frozen=True)
class AnatomySpec:
    """Per-patient ranges of the pelvic anatomy (LPS mm; semi-axes left-right, anterior-posterior, cranio-caudal)."""

    prostate_centre_mm: tuple[Range, Range, Range] = ((-8.0, 8.0), (15.0, 35.0), (-60.0, -20.0))
    prostate_semi_axes_mm: tuple[Range, Range, Range] = ((20.0, 27.0), (14.0, 19.0), (16.0, 22.0))
    prostate_tilt_deg: Range = (-15.0, 15.0)  # about the left-right axis
    tz_scale: Range = (
        0.85,
        1.25,
    )  # transition zone size relative to the prostate (benign hyperplasia grows it)
    body_semi_axes_mm: tuple[Range, Range] = ((150.0, 190.0), (105.0, 135.0))
    bladder_semi_axes_mm: tuple[Range, Range, Range] = ((30.0, 45.0), (25.0, 35.0), (20.0, 30.0))
    texture_wavelength_mm: Range = (3.0, 14.0)
    tissues: Mapping[str, TissueSpec] = field(default_factory=_default_tissues)


@dataclass(frozen=True)
class LesionAppearance:
    """Lesion properties before partial volume: normal(mean, sd) per property, per grade group where a tuple of 5."""

    adc: tuple[float, ...]
    adc_sd: float
    t2_ms: tuple[float, ...]
    t2_sd: float
    ktrans: tuple[float, ...]
    ktrans_sd: float
    radius_mm: tuple[Range, ...]  # equivalent-sphere radius range (per grade group where 5 ranges)
    edge_mm: Range  # margin softness: circumscribed nodules sharp, infiltrative/inflammatory diffuse
    texture: float = 0.15
    zones: Mapping[str, float] = field(default_factory=lambda: {"PZ": 1.0})


def _default_appearance() -> dict[str, LesionAppearance]:
    return {
        "cancer": LesionAppearance(
            adc=(1080, 1010, 940, 870, 800),
            adc_sd=150,
            t2_ms=(95, 88, 82, 78, 74),
            t2_sd=12,
            ktrans=(0.30, 0.36, 0.42, 0.48, 0.55),
            ktrans_sd=0.10,
            radius_mm=((3, 6), (3.5, 8), (4, 10), (4.5, 11), (5, 12)),
            edge_mm=(0.5, 2.5),
            texture=0.15,
            zones={"PZ": 0.65, "TZ": 0.25, "AS": 0.10},
        ),
        "bph_nodule": LesionAppearance(
            adc=(1120,),
            adc_sd=150,
            t2_ms=(95,),
            t2_sd=25,
            ktrans=(0.32,),
            ktrans_sd=0.10,
            radius_mm=((4, 9),),
            edge_mm=(0.3, 1.0),
            texture=0.2,
            zones={"TZ": 0.85, "AS": 0.15},
        ),
        "prostatitis": LesionAppearance(
            adc=(1150,),
            adc_sd=170,
            t2_ms=(105,),
            t2_sd=20,
            ktrans=(0.36,),
            ktrans_sd=0.12,
            radius_mm=((4, 10),),
            edge_mm=(2.0, 4.0),
            texture=0.2,
            zones={"PZ": 1.0},
        ),
        "benign": LesionAppearance(
            adc=(1300,),
            adc_sd=200,
            t2_ms=(110,),
            t2_sd=25,
            ktrans=(0.20,),
            ktrans_sd=0.06,
            radius_mm=((3, 8),),
            edge_mm=(1.0, 3.0),
            texture=0.1,
            zones={"PZ": 0.6, "TZ": 0.4},
        ),
    }


@dataclass(frozen=True)
class LesionSpec:
    """How many findings a patient has, of which kind, and how each kind looks."""

    findings_per_patient: tuple[float, ...] = (0.55, 0.30, 0.10, 0.05)  # P(1), P(2), … findings
    kind_probabilities: Mapping[str, float] = field(
        default_factory=lambda: {"cancer": 0.40, "bph_nodule": 0.20, "prostatitis": 0.20, "benign": 0.20}
    )
    ggg_probabilities: tuple[float, ...] = (0.32, 0.37, 0.18, 0.07, 0.06)  # ProstateX-2-like grade mix
    min_ggg_clinsig: int = 2  # ProstateX: clinically significant = Gleason ≥ 7
    appearance: Mapping[str, LesionAppearance] = field(default_factory=_default_appearance)


@dataclass(frozen=True)
class CohortSpec:
    """The whole generator configuration."""

    t2w: T2wSpec = T2wSpec()
    dwi: DwiSpec = DwiSpec()
    ktrans: KtransSpec = KtransSpec()
    misalignment: MisalignmentSpec = MisalignmentSpec()
    anatomy: AnatomySpec = AnatomySpec()
    lesions: LesionSpec = LesionSpec()
    first_study_year: int = 2011  # study dates are drawn in this year and the next


PRESETS: dict[str, dict[str, Any]] = {
    "prostatex": {},
    # Same physics and resolution as prostatex, fields of view cropped to the gland: for calibrating lesion
    # appearance on many patients quickly (see calibration.py and docs/cohort.md).
    "calibration": {
        "t2w": {"axial": {"matrix": [128, 128], "fov_shift_mm": [0, 0, 0]}, "write_sagittal": False},
        "dwi": {"series": {"matrix": [44, 40], "fov_shift_mm": [0, 0, 0]}},
        "ktrans": {"grid": {"matrix": [60, 60], "fov_shift_mm": [0, 0, 0]}},
    },
    # Small matrices (still finer T2w than ADC) so that other areas' tests make a cohort in a few seconds.
    "tiny": {
        "t2w": {
            "axial": {
                "matrix": [96, 96],
                "pixel_spacing_mm": [0.9, 0.9],
                "n_slices": 14,
                "slice_thickness_mm": 3.5,
                "slice_spacing_mm": 3.5,
            },
            "write_sagittal": False,
        },
        "dwi": {
            "series": {
                "matrix": [40, 32],
                "pixel_spacing_mm": [2.4, 2.4],
                "n_slices": 14,
                "slice_thickness_mm": 3.5,
                "slice_spacing_mm": 3.5,
            }
        },
        "ktrans": {"grid": {"matrix": [48, 48], "pixel_spacing_mm": [2.0, 2.0], "n_slices": 12}},
    },
}


def _merge(obj: Any, overrides: Any, where: str) -> Any:
    if dataclasses.is_dataclass(obj):
        if not isinstance(overrides, Mapping):
            raise ValueError(f"cohort spec: '{where}' takes a mapping of its settings, got {overrides!r}")
        names = {f.name for f in dataclasses.fields(obj)}
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValueError(
                f"cohort spec: unknown key(s) {unknown} under '{where or 'cohort'}'; known: {sorted(names)}"
            )
        changes = {k: _merge(getattr(obj, k), v, f"{where}.{k}".lstrip(".")) for k, v in overrides.items()}
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, Mapping) and isinstance(overrides, Mapping):
        merged = dict(obj)
        for key, value in overrides.items():
            path = f"{where}.{key}"
            merged[key] = _merge(obj[key], value, path) if key in obj else _as_new(obj, value, path)
        return merged
    if isinstance(overrides, list | tuple):
        return tuple(tuple(v) if isinstance(v, list) else v for v in overrides)
    return overrides


def _as_new(mapping: Mapping[str, Any], value: Any, where: str) -> Any:
    """A new entry of a mapping of dataclasses (e.g. a new tissue) must be given in full."""
    sample = next(iter(mapping.values()), None)
    if not dataclasses.is_dataclass(sample):
        return value
    fields = [f.name for f in dataclasses.fields(sample)]
    try:
        return type(sample)(**{k: _merge(None, v, where) for k, v in dict(value).items()})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cohort spec: new entry '{where}' needs the settings {fields}: {exc}") from exc


def resolve_spec(preset: str = "prostatex", overrides: Mapping[str, Any] | None = None) -> CohortSpec:
    """The spec of a named preset with ``overrides`` (nested mapping mirroring :class:`CohortSpec`) applied."""
    if preset not in PRESETS:
        raise ValueError(f"cohort spec: unknown preset '{preset}'; known: {sorted(PRESETS)}")
    spec = _merge(CohortSpec(), PRESETS[preset], "")
    return _merge(spec, dict(overrides or {}), "")


def spec_as_dict(spec: CohortSpec) -> dict[str, Any]:
    """The resolved spec as plain data (written next to the ground truth for provenance)."""
    return dataclasses.asdict(spec)
