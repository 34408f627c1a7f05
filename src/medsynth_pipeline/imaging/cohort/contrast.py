"""MR signal models and acquisition effects: spin-echo T2w, diffusion decay and ADC fitting, noise, bias."""

from __future__ import annotations

import numpy as np

from medsynth_pipeline.imaging.cohort.geometry import Grid

Props = dict[str, np.ndarray | float]


def t2w_signal(props: Props, tr_ms: float, te_ms: float, scale: float) -> np.ndarray:
    """Spin-echo magnitude ``scale · PD · (1 − e^(−TR/T1)) · e^(−TE/T2)`` as one channel."""
    t1, t2 = np.asarray(props["t1_ms"]), np.maximum(np.asarray(props["t2_ms"]), 1e-3)
    signal = scale * np.asarray(props["pd"]) * (1.0 - np.exp(-tr_ms / t1)) * np.exp(-te_ms / t2)
    return np.asarray(signal)[None]


def dwi_signals(props: Props, te_ms: float, b_values: tuple[float, ...], scale: float) -> np.ndarray:
    """Fat-suppressed DWI magnitudes ``S0 · e^(−b·ADC)`` (ADC in 10⁻⁶ mm²/s), one channel per b-value."""
    t2 = np.maximum(np.asarray(props["t2_ms"]), 1e-3)
    s0 = scale * np.asarray(props["pd"]) * np.asarray(props["dwi_pd"]) * np.exp(-te_ms / t2)
    adc = np.maximum(np.asarray(props["adc"]), 0.0) * 1e-6
    return np.stack([np.asarray(s0 * np.exp(-b * adc)) for b in b_values])


def ktrans_value(props: Props) -> np.ndarray:
    return np.asarray(np.maximum(np.asarray(props["ktrans"]), 0.0))[None]


def fit_adc(signals: np.ndarray, b_values: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Log-linear least-squares fit over the b-values: (ADC in 10⁻⁶ mm²/s, ln S0), as scanners compute it."""
    b = np.asarray(b_values, dtype=np.float64)
    logs = np.log(np.maximum(signals, 1e-3))
    b_centred = b - b.mean()
    slope = np.tensordot(b_centred, logs, axes=(0, 0)) / float(b_centred @ b_centred)
    intercept = logs.mean(axis=0) - slope * b.mean()
    return (-slope * 1e6).astype(np.float32), intercept.astype(np.float32)


def add_rician_noise(signal: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Magnitude of the signal plus complex Gaussian noise: Rician, with its noise floor in dark regions."""
    real = signal + np.float32(sigma) * rng.standard_normal(size=signal.shape, dtype=np.float32)
    imag = np.float32(sigma) * rng.standard_normal(size=signal.shape, dtype=np.float32)
    return np.sqrt(real * real + imag * imag)


def sample_bias_coefficients(rng: np.random.Generator, strength: float) -> np.ndarray:
    """Coefficients of a quadratic log-bias polynomial in x, y, z (10 terms; constant term 0)."""
    coefs = rng.normal(0.0, strength, size=10)
    coefs[0] = 0.0
    return coefs


def bias_field(grid: Grid, coefs: np.ndarray, centre: np.ndarray, scale_mm: float = 100.0) -> np.ndarray:
    """Smooth multiplicative receive-coil bias on ``grid`` (numpy z, y, x), fixed in scanner space."""
    nx, ny, nz = grid.size
    m = grid.voxel_to_physical.astype(np.float32)
    rel = (np.asarray(grid.origin) - np.asarray(centre)).astype(np.float32)
    axes = (
        np.arange(nx, dtype=np.float32)[None, None, :],
        np.arange(ny, dtype=np.float32)[None, :, None],
        np.arange(nz, dtype=np.float32)[:, None, None],
    )
    # Physical coordinates are affine in the index: build each from three broadcast 1-D ramps.
    x, y, z = (
        (axes[0] * m[d, 0] + axes[1] * m[d, 1] + axes[2] * m[d, 2] + rel[d]) / scale_mm for d in range(3)
    )
    terms = (1.0, x, y, z, x * x, y * y, z * z, x * y, x * z, y * z)
    log_bias = sum(np.float32(c) * t for c, t in zip(coefs, terms, strict=True))
    return np.exp(np.broadcast_to(log_bias, (nz, ny, nx))).astype(np.float32)
