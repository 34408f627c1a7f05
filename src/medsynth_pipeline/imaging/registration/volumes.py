"""Reading the ``registered_volumes`` contract: partitions ``<patient_id>/<KIND>``, loaded lazily or in memory."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import SimpleITK as sitk

VolumeOrLoader = sitk.Image | Callable[[], sitk.Image]


def load_volume(item: VolumeOrLoader) -> sitk.Image:
    """The image itself, or what a ``PartitionedDataset`` loader returns when called."""
    return item if isinstance(item, sitk.Image) else item()


def volumes_by_patient(registered_volumes: Mapping[str, VolumeOrLoader]) -> dict[str, dict[str, VolumeOrLoader]]:
    """``{patient_id: {KIND: volume or loader}}`` (KIND upper-cased), patients in sorted partition order.

    Nothing is loaded: a stage reads only the patients and kinds it uses.
    """
    by_patient: dict[str, dict[str, VolumeOrLoader]] = {}
    for partition, load in sorted(registered_volumes.items()):
        if "/" not in partition:
            raise ValueError(f"registered_volumes: partition '{partition}' is not '<patient_id>/<KIND>'")
        patient_id, kind = partition.rsplit("/", 1)
        by_patient.setdefault(patient_id, {})[kind.upper()] = load
    return by_patient
