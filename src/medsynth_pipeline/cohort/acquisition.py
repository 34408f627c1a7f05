"""Acquire one planned patient: T2w (axial, sagittal), DWI → ADC + computed high-b image, Ktrans.

Each function returns physical values on the series' nominal grid (numpy order z, y, x), float32:
T2w in scanner units, ADC in 10⁻⁶ mm²/s, the b-value image in scanner units, Ktrans in /min.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from medsynth_pipeline.cohort import contrast
from medsynth_pipeline.cohort.phantom import render
from medsynth_pipeline.cohort.plan import PatientPlan, patient_rng
from medsynth_pipeline.cohort.spec import CohortSpec


def _structures(patient: PatientPlan) -> list:
    return [*patient.anatomy.structures, *(lesion.structure for lesion in patient.lesions)]


def acquire_t2w(patient: PatientPlan, spec: CohortSpec, seed: int, kind: str = "T2W") -> np.ndarray:
    """T2w magnitude with receive-coil bias and Rician noise; ``kind`` is ``T2W`` or ``T2W_SAG``."""
    t2 = spec.t2w
    series = patient.series_of(kind)
    rng = patient_rng(seed, patient.index, kind)
    gain = float(np.exp(rng.normal(0.0, 0.15)))  # receiver gain differs from exam to exam

    def model(props: contrast.Props) -> np.ndarray:
        return contrast.t2w_signal(props, t2.tr_ms, t2.te_ms, t2.signal_scale * gain)

    clean = render(series.grid, None, _structures(patient), model, 1)[0]
    bias = contrast.bias_field(
        series.grid,
        contrast.sample_bias_coefficients(rng, t2.bias_strength),
        np.asarray(patient.anatomy.prostate_centre),
    )
    return contrast.add_rician_noise(clean * bias, t2.noise_sigma, rng)


def acquire_diffusion(patient: PatientPlan, spec: CohortSpec, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(ADC map, computed b-image at ``calc_b_value``) from noisy multi-b DWI, as the scanner derives them."""
    dwi = spec.dwi
    series = patient.series_of("ADC")
    rng = patient_rng(seed, patient.index, "DWI")

    def model(props: contrast.Props) -> np.ndarray:
        return contrast.dwi_signals(props, dwi.te_ms, dwi.b_values, dwi.signal_scale)

    clean = render(series.grid, patient.offset_of("ADC"), _structures(patient), model, len(dwi.b_values))
    bias = contrast.bias_field(
        series.grid,
        contrast.sample_bias_coefficients(rng, dwi.bias_strength),
        np.asarray(patient.anatomy.prostate_centre),
    )
    noisy = contrast.add_rician_noise(clean * bias[None], dwi.noise_sigma, rng)
    adc, log_s0 = contrast.fit_adc(noisy, dwi.b_values)
    # Scanners blank the ADC where the low-b signal (locally averaged) is at noise level: air, suppressed fat.
    low_b = ndimage.uniform_filter(noisy[0], size=(1, 3, 3), mode="nearest")
    background = low_b < dwi.background_snr * dwi.noise_sigma
    adc = np.where(background, 0.0, np.clip(adc, 0.0, dwi.adc_max)).astype(np.float32)
    calc = np.exp(log_s0 - dwi.calc_b_value * adc * 1e-6)
    calc = np.where(background, noisy[-1] * np.exp(-(dwi.calc_b_value - dwi.b_values[-1]) * 1e-3), calc)
    return adc, calc.astype(np.float32)


def acquire_ktrans(patient: PatientPlan, spec: CohortSpec, seed: int) -> np.ndarray:
    """Ktrans (/min): tissue values at DCE resolution, blurred, with pharmacokinetic-fit noise, never negative."""
    kt = spec.ktrans
    series = patient.series_of("KTRANS")
    rng = patient_rng(seed, patient.index, "KTRANS")
    clean = render(series.grid, patient.offset_of("KTRANS"), _structures(patient), contrast.ktrans_value, 1)[
        0
    ]
    spacing_zyx = np.asarray(series.grid.spacing[::-1])
    blurred = ndimage.gaussian_filter(clean, sigma=kt.blur_mm / spacing_zyx, mode="nearest")
    body = blurred > 0.005  # no enhancement, no fit noise: the background stays 0 as in ProstateX maps
    noisy = blurred + body * rng.normal(0.0, kt.noise_sigma, size=blurred.shape).astype(np.float32)
    return np.clip(noisy, 0.0, None).astype(np.float32)
