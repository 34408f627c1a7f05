"""MR signal models and acquisition effects: spin-echo T2w, diffusion decay and ADC fitting, noise, bias."""

from __future__ import annotations

import numpy as np

from medsynth_pipeline.cohort.geometry import Grid

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
    c0, lin = coefs[0], np.asarray(coefs[1:4])
    quad = np.diag(coefs[4:7]).astype(float)
    quad[0, 1] = quad[1, 0] = coefs[7] / 2
    quad[0, 2] = quad[2, 0] = coefs[8] / 2
    quad[1, 2] = quad[2, 1] = coefs[9] / 2
    # The polynomial in normalised physical coordinates q = A·index + d is a quadratic in the index itself.
    a = grid.voxel_to_physical / scale_mm
    d = (np.asarray(grid.origin) - np.asarray(centre)) / scale_mm
    h = a.T @ quad @ a
    g = a.T @ lin + 2 * a.T @ quad @ d
    const = c0 + lin @ d + d @ quad @ d
    nx, ny, nz = grid.size
    i = np.arange(nx, dtype=np.float32)[None, None, :]
    j = np.arange(ny, dtype=np.float32)[None, :, None]
    k = np.arange(nz, dtype=np.float32)[:, None, None]
    f32 = np.float32
    in_plane = (
        f32(h[0, 0]) * i * i
        + f32(g[0]) * i
        + (f32(h[1, 1]) * j * j + f32(g[1]) * j)
        + f32(2 * h[0, 1]) * i * j
    )
    through = f32(h[2, 2]) * k * k + f32(g[2]) * k + f32(const)
    mixed = f32(2 * h[0, 2]) * i * k + f32(2 * h[1, 2]) * j * k
    return np.exp(in_plane + through + mixed).astype(np.float32)
