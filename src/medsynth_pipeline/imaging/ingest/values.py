"""Tolerant conversions of DICOM element values: archives hold empty, garbled and multi-valued fields."""

from __future__ import annotations

import math
from typing import Any

import pydicom


def as_list(value: Any) -> list[Any] | None:
    """A multi-valued element as a list, a single value as a one-item list, None as None."""
    if value is None:
        return None
    return list(value) if isinstance(value, list | tuple | pydicom.multival.MultiValue) else [value]


def text(value: Any) -> str:
    """A value as stripped text; empty for None."""
    return "" if value is None else str(value).strip()


def floats(value: Any, n: int) -> tuple[float, ...] | None:
    """Exactly ``n`` finite numbers, or None when the element is absent, garbled or of another length."""
    try:
        values = tuple(float(v) for v in as_list(value) or [])
    except (TypeError, ValueError):
        return None
    return values if len(values) == n and all(math.isfinite(v) for v in values) else None


def float_or_none(value: Any) -> float | None:
    """A finite number, or None for absent, empty, garbled, NaN or infinite values."""
    try:
        number = float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


def int_or_none(value: Any) -> int | None:
    number = float_or_none(value)
    return int(number) if number is not None else None


def key_text(value: Any) -> str:
    """A stack-separating value as short text: numbers as ``%g`` (``800``, ``0.09``), the rest as is."""
    number = float_or_none(value)
    return f"{number:g}" if number is not None else str(value)
