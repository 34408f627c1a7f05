"""Which sequence a series or volume is: T2W, ADC, DWI, KTRANS or OTHER, by configurable ordered rules.

Rules come from ``ingest.classification`` in the parameters. The first rule that matches wins; a rule
matches when any of its criteria match and its ``exclude`` pattern does not. Patterns are
case-insensitive regular expressions searched in the text named by the criterion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

KINDS: tuple[str, ...] = ("T2W", "ADC", "DWI", "KTRANS", "OTHER")


@dataclass(frozen=True)
class Rule:
    """One classification rule; ``None`` criteria are not used."""

    kind: str
    description: re.Pattern[str] | None = None  # SeriesDescription and ProtocolName
    image_type: re.Pattern[str] | None = None  # ImageType values joined by backslashes
    name: re.Pattern[str] | None = None  # volume file path relative to raw_dir
    b_value_present: bool = False  # a DiffusionBValue (or vendor b-value) above 0
    exclude: re.Pattern[str] | None = None  # searched in description and name

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rule:
        kind = str(config["kind"]).upper()
        if kind not in KINDS:
            raise ValueError(f"ingest.classification rule kind {kind!r} is not one of {KINDS}")
        unknown = set(config) - {"kind", "description", "image_type", "name", "b_value_present", "exclude"}
        if unknown:
            raise ValueError(f"ingest.classification rule for {kind} has unknown keys {sorted(unknown)}")

        def pattern(key: str) -> re.Pattern[str] | None:
            return re.compile(config[key], re.IGNORECASE) if config.get(key) else None

        return cls(
            kind=kind,
            description=pattern("description"),
            image_type=pattern("image_type"),
            name=pattern("name"),
            b_value_present=bool(config.get("b_value_present", False)),
            exclude=pattern("exclude"),
        )

    def matches(self, *, description: str, image_type: str, name: str, b_value: float | None) -> bool:
        if self.exclude is not None and (self.exclude.search(description) or self.exclude.search(name)):
            return False
        return bool(
            (self.description is not None and self.description.search(description))
            or (self.image_type is not None and self.image_type.search(image_type))
            or (self.name is not None and self.name.search(name))
            or (self.b_value_present and b_value is not None and b_value > 0)
        )


class SeriesClassifier:
    """Ordered rules for DICOM series and for volume files (``ingest.classification``)."""

    def __init__(self, series_rules: Sequence[Rule], volume_rules: Sequence[Rule]):
        self.series_rules = tuple(series_rules)
        self.volume_rules = tuple(volume_rules)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SeriesClassifier:
        return cls(
            [Rule.from_config(r) for r in config.get("series_rules", [])],
            [Rule.from_config(r) for r in config.get("volume_rules", [])],
        )

    def classify_series(
        self,
        *,
        description: str,
        protocol: str = "",
        image_type: Sequence[str] = (),
        b_value: float | None = None,
    ) -> str:
        """The kind of a DICOM series from its descriptive tags."""
        text = " | ".join(t for t in (description, protocol) if t)
        joined = "\\".join(image_type)
        return next(
            (
                r.kind
                for r in self.series_rules
                if r.matches(description=text, image_type=joined, name="", b_value=b_value)
            ),
            "OTHER",
        )

    def classify_volume(self, relative_path: str) -> str:
        """The kind of a volume file from its path (ProstateX: ``ProstateX-0000-Ktrans.mhd``)."""
        return next(
            (
                r.kind
                for r in self.volume_rules
                if r.matches(description="", image_type="", name=relative_path, b_value=None)
            ),
            "OTHER",
        )


def plane_of(direction: Sequence[float]) -> str:
    """``axial``, ``coronal`` or ``sagittal``: the patient axis closest to the slice normal (3rd column)."""
    normal = np.abs(np.asarray(direction, float).reshape(3, 3)[:, 2])
    return ("sagittal", "coronal", "axial")[int(np.argmax(normal))]
