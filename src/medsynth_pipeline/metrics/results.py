"""One metric value, or the honest statement that it was not computed and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

COMPUTED = "computed"
NOT_COMPUTED = "not computed"


class InsufficientData(ValueError):
    """Too few images (or classes, or patients) for a metric or a study: reported as not computed with
    this message, unlike malformed input or a patient leak, which stop the run."""


@dataclass(frozen=True)
class MetricResult:
    """A named metric value.

    ``name`` says what was measured *and in which feature space* (``FID-ADC`` only for torch-fidelity's
    Inception-v3 FID weights, ``FD-ResNet18-real`` for a Fréchet distance on a classifier trained on the
    real training split). ``value`` is ``None`` exactly when ``status`` is ``"not computed"``, and then
    ``reason`` says why.
    """

    name: str
    value: float | None
    status: str = COMPUTED
    reason: str = ""
    features: str = ""

    def __post_init__(self) -> None:
        if self.status not in (COMPUTED, NOT_COMPUTED):
            raise ValueError(f"metric {self.name}: status must be {COMPUTED!r} or {NOT_COMPUTED!r}, got {self.status!r}")
        if (self.value is None) != (self.status == NOT_COMPUTED):
            raise ValueError(f"metric {self.name}: a value is given exactly when it was computed")
        if self.status == NOT_COMPUTED and not self.reason:
            raise ValueError(f"metric {self.name}: a metric that was not computed needs a reason")

    @classmethod
    def missing(cls, name: str, reason: str, features: str = "") -> MetricResult:
        """A metric that could not be computed, with the reason shown in tables and the report."""
        return cls(name=name, value=None, status=NOT_COMPUTED, reason=reason, features=features)

    def as_row(self) -> dict[str, object]:
        return asdict(self)
