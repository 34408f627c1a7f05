"""Rigid multi-modal registration (SimpleITK, Mattes mutual information) of a moving map onto T2w.

The scanner already places all sequences of one session in the same patient (LPS) coordinates, so only a
small rigid correction (patient motion between sequences) is searched for. The registration therefore
looks only at a region of interest around the prostate: it is where alignment matters, and it keeps one
patient to a few seconds on a CPU.

ITK convention: the returned transform maps points of the fixed (T2w) space to the moving space, so
``sitk.Resample(moving, reference, transform)`` puts the moving image on the fixed grid.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

from medsynth_pipeline.imaging.registration.resample import physical_region, resample_onto, working_grid

logger = logging.getLogger(__name__)

INITIALISATIONS = ("geometry", "identity")


@dataclass(frozen=True)
class RefineSettings:
    """A derivative-free Powell search from the gradient-descent result (``registration.rigid.refine``).

    Ktrans maps (4 mm slices, blurred, little structure outside the gland) give a mutual-information
    landscape that is flat along the slice axis with interpolation ripples; gradient descent stops on
    them, a line search on the full-sampled metric does not.
    """

    enabled: bool
    iterations: int
    line_iterations: int
    step_mm: float
    step_tolerance_mm: float
    value_tolerance: float
    sampling_percentage: float


@dataclass(frozen=True)
class RegistrationSettings:
    """Everything that steers one rigid registration; built from ``registration.rigid`` parameters."""

    enabled: bool
    initialisation: str
    histogram_bins: int
    sampling_percentage: float
    seed: int
    shrink_factors: tuple[int, ...]
    smoothing_sigmas_mm: tuple[float, ...]
    learning_rate: float
    min_step: float
    gradient_tolerance: float
    iterations: int
    relaxation_factor: float
    roi_size_mm: tuple[float, float, float]
    metric_spacing_mm: float
    search_margin_mm: float
    threads: int
    refine: RefineSettings

    def __post_init__(self) -> None:
        if self.initialisation not in INITIALISATIONS:
            raise ValueError(f"registration: initialisation must be one of {INITIALISATIONS}, got {self.initialisation!r}")
        if len(self.shrink_factors) != len(self.smoothing_sigmas_mm):
            raise ValueError("registration: shrink_factors and smoothing_sigmas_mm need one entry per level")
        if not 0 < self.sampling_percentage <= 1:
            raise ValueError(f"registration: sampling_percentage must be in (0, 1], got {self.sampling_percentage}")

    @classmethod
    def from_params(cls, params: dict) -> RegistrationSettings:
        values = _checked(params, cls, "registration.rigid")
        values["refine"] = RefineSettings(**_checked(values["refine"], RefineSettings, "registration.rigid.refine"))
        for key in ("shrink_factors", "smoothing_sigmas_mm", "roi_size_mm"):
            values[key] = tuple(values[key])
        return cls(**values)


def _checked(params: dict, cls: type, where: str) -> dict:
    known = set(cls.__dataclass_fields__)
    unknown, missing = set(params) - known, known - set(params)
    if unknown or missing:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    return dict(params)


@dataclass(frozen=True)
class RigidResult:
    """A recovered rigid transform and how the optimiser got there."""

    transform: sitk.Euler3DTransform
    metric: float
    iterations: int
    stop_condition: str
    seconds: float

    def parameters(self) -> dict[str, float]:
        """Rotation (degrees) and translation (mm) around the transform centre, fixed → moving."""
        return euler_parameters(self.transform)


def euler_parameters(transform: sitk.Euler3DTransform) -> dict[str, float]:
    rx, ry, rz, tx, ty, tz = transform.GetParameters()
    cx, cy, cz = transform.GetCenter()
    return {
        "rx_deg": math.degrees(rx),
        "ry_deg": math.degrees(ry),
        "rz_deg": math.degrees(rz),
        "tx_mm": tx,
        "ty_mm": ty,
        "tz_mm": tz,
        "center_x": cx,
        "center_y": cy,
        "center_z": cz,
    }


def identity_at(centre: Sequence[float]) -> sitk.Euler3DTransform:
    transform = sitk.Euler3DTransform()
    transform.SetCenter(tuple(float(c) for c in centre))
    return transform


def max_displacement_difference(
    a: sitk.Transform, b: sitk.Transform, points: np.ndarray | Sequence[Sequence[float]]
) -> float:
    """Largest distance (mm) between where two transforms send the same points: the registration error."""
    pts = np.asarray(points, dtype=float).reshape(-1, 3)
    return max(
        float(np.linalg.norm(np.subtract(a.TransformPoint(tuple(p)), b.TransformPoint(tuple(p))))) for p in pts
    )


def box_corners(centre: Sequence[float], size_mm: Sequence[float]) -> np.ndarray:
    """The 8 corners of an axis-aligned box: where rotation errors are largest inside a region."""
    half = np.asarray(size_mm, dtype=float) / 2
    signs = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=float)
    return np.asarray(centre, dtype=float) + signs * half


def metric_image(fixed: sitk.Image, centre: Sequence[float], settings: RegistrationSettings) -> sitk.Image:
    """The part of the fixed (T2w) image the metric samples: the ROI at ``metric_spacing_mm``, antialiased.

    A 0.5 mm T2w brought to about the moving maps' scale is sampled densely at a fraction of the cost, and
    its T2w slice positions are kept (no interpolation across slices).
    """
    size = [int(round(v / settings.metric_spacing_mm)) for v in settings.roi_size_mm[:2]]
    grid = working_grid(fixed, centre, size, float(settings.metric_spacing_mm), depth_mm=settings.roi_size_mm[2])
    return resample_onto(fixed, grid, antialias=True)


def register_rigid(
    fixed: sitk.Image,
    moving: sitk.Image,
    centre: Sequence[float],
    settings: RegistrationSettings,
    label: str = "",
    fixed_roi: sitk.Image | None = None,
) -> RigidResult:
    """Rigidly register ``moving`` onto ``fixed`` looking at a box of ``settings.roi_size_mm`` around ``centre``.

    The returned transform maps ``fixed`` points to ``moving`` points, rotating about ``centre`` (the
    prostate), so the reported translation is the shift at the prostate. ``fixed_roi`` (from
    :func:`metric_image`) saves recomputing it for every moving series of a patient. When
    ``settings.enabled`` is false the identity (the scanner's own alignment) is returned with its metric
    value, so a report shows what registration gained.
    """
    fixed_roi = fixed_roi if fixed_roi is not None else metric_image(fixed, centre, settings)
    # The pyramid smooths the moving image too: keep only what the search can reach.
    reach = np.asarray(settings.roi_size_mm, dtype=float) + 2 * float(settings.search_margin_mm)
    moving_roi = sitk.Cast(physical_region(moving, centre, reach, label=label), sitk.sitkFloat32)
    start = time.perf_counter()
    with _itk_threads(int(settings.threads)):
        if not settings.enabled:
            # Switched off means: trust the scanner's coordinates, i.e. the identity.
            method = _gradient_method(settings, identity_at(centre))
            metric = method.MetricEvaluate(fixed_roi, moving_roi)
            return RigidResult(identity_at(centre), float(metric), 0, "registration disabled", time.perf_counter() - start)
        initial = _initial_transform(fixed, moving, centre, settings.initialisation)
        try:
            method = _gradient_method(settings, initial)
            transform = sitk.Euler3DTransform(_as_euler(method.Execute(fixed_roi, moving_roi)))
            iterations, stop = int(method.GetOptimizerIteration()), method.GetOptimizerStopConditionDescription()
            metric = float(method.GetMetricValue())
            if settings.refine.enabled:
                method = _powell_method(settings, transform)
                transform = sitk.Euler3DTransform(_as_euler(method.Execute(fixed_roi, moving_roi)))
                iterations += int(method.GetOptimizerIteration())
                stop = method.GetOptimizerStopConditionDescription()
                metric = float(method.GetMetricValue())
        except RuntimeError as exc:
            raise RuntimeError(f"registration of {label or 'moving image'} failed: {exc}") from exc
    seconds = time.perf_counter() - start
    logger.debug("%s: %d iterations, metric %.4f, %.1f s", label, iterations, metric, seconds)
    return RigidResult(transform=transform, metric=metric, iterations=iterations, stop_condition=stop, seconds=seconds)


def _base_method(
    settings: RegistrationSettings, initial: sitk.Transform, sampling_percentage: float
) -> sitk.ImageRegistrationMethod:
    method = sitk.ImageRegistrationMethod()
    method.SetNumberOfThreads(int(settings.threads))
    method.SetMetricAsMattesMutualInformation(numberOfHistogramBins=int(settings.histogram_bins))
    method.SetInterpolator(sitk.sitkLinear)
    method.SetInitialTransform(initial, inPlace=False)
    # Random points (drawn once, seeded) rather than the voxel grid: grid-aligned samples make mutual
    # information jump whenever the two grids line up, and a line search would settle on those jumps.
    # A fixed seed makes the random metric samples, hence the result, identical run to run.
    method.SetMetricSamplingStrategy(method.RANDOM)
    method.SetMetricSamplingPercentage(float(sampling_percentage), int(settings.seed))
    return method


def _physical_pyramid(
    method: sitk.ImageRegistrationMethod, shrink_factors: Sequence[int], smoothing_sigmas_mm: Sequence[float]
) -> sitk.ImageRegistrationMethod:
    # Radians and millimetres on one scale: a 1 mm shift anywhere in the ROI weighs like a 1 mm translation.
    method.SetOptimizerScalesFromPhysicalShift()
    method.SetShrinkFactorsPerLevel([int(s) for s in shrink_factors])
    method.SetSmoothingSigmasPerLevel([float(s) for s in smoothing_sigmas_mm])
    method.SmoothingSigmasAreSpecifiedInPhysicalUnitsOn()
    return method


def _gradient_method(settings: RegistrationSettings, initial: sitk.Transform) -> sitk.ImageRegistrationMethod:
    method = _base_method(settings, initial, settings.sampling_percentage)
    method.SetOptimizerAsRegularStepGradientDescent(
        learningRate=float(settings.learning_rate),
        minStep=float(settings.min_step),
        numberOfIterations=int(settings.iterations),
        relaxationFactor=float(settings.relaxation_factor),
        gradientMagnitudeTolerance=float(settings.gradient_tolerance),
    )
    return _physical_pyramid(method, settings.shrink_factors, settings.smoothing_sigmas_mm)


def _powell_method(settings: RegistrationSettings, initial: sitk.Transform) -> sitk.ImageRegistrationMethod:
    refine = settings.refine
    method = _base_method(settings, initial, refine.sampling_percentage)
    method.SetOptimizerAsPowell(
        numberOfIterations=int(refine.iterations),
        maximumLineIterations=int(refine.line_iterations),
        stepLength=float(refine.step_mm),
        stepTolerance=float(refine.step_tolerance_mm),
        valueTolerance=float(refine.value_tolerance),
    )
    # One full-resolution level, smoothed like the gradient search's finest level.
    return _physical_pyramid(method, [1], [settings.smoothing_sigmas_mm[-1]])


@contextlib.contextmanager
def _itk_threads(threads: int) -> Iterator[None]:
    """ITK's global thread count for the duration of one registration.

    The metric and the pyramid filters split work by ITK's global default, not only by the method's own
    setting; with more than one thread the summation order, hence the last digits of the result, varies.
    """
    previous = sitk.ProcessObject.GetGlobalDefaultNumberOfThreads()
    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(threads)
    try:
        yield
    finally:
        sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(previous)


def _initial_transform(
    fixed: sitk.Image, moving: sitk.Image, centre: Sequence[float], initialisation: str
) -> sitk.Euler3DTransform:
    if initialisation == "identity":
        return identity_at(centre)
    # GEOMETRY aligns the centres of the two whole fields of view (ITK's CenteredTransformInitializer).
    transform = sitk.CenteredTransformInitializer(
        fixed, moving, sitk.Euler3DTransform(), sitk.CenteredTransformInitializerFilter.GEOMETRY
    )
    euler = sitk.Euler3DTransform(transform)
    # Re-centre on the prostate, keeping the same mapping, so parameters read as offsets at the prostate.
    moved_centre = euler.TransformPoint(tuple(float(c) for c in centre))
    recentred = identity_at(centre)
    recentred.SetTranslation(tuple(np.subtract(moved_centre, centre)))
    return recentred


def _as_euler(transform: sitk.Transform) -> sitk.Transform:
    """``Execute`` returns a CompositeTransform wrapping the optimised Euler3DTransform."""
    if isinstance(transform, sitk.CompositeTransform):
        return transform.GetNthTransform(transform.GetNumberOfTransforms() - 1)
    return transform
