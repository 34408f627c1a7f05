"""Growth schedule: phase lengths from images or epochs, alpha ramps, per-resolution batch sizes."""

from __future__ import annotations

import pytest

from medsynth_pipeline.models.pggan_schedule import batch_size_at, build_schedule


def test_schedule_in_images_with_per_resolution_batches() -> None:
    spec = {"unit": "images", "fade": 40, "stable": 20, "batch_size": {"4": 10, "8": 5}, "default_batch_size": 4}
    schedule = build_schedule([4, 8, 16], spec)
    assert schedule.describe() == [
        {"resolution": 4, "batch_size": 10, "fade_iterations": 0, "stable_iterations": 2, "start": 0, "end": 2},
        {"resolution": 8, "batch_size": 5, "fade_iterations": 8, "stable_iterations": 4, "start": 2, "end": 14},
        {"resolution": 16, "batch_size": 4, "fade_iterations": 10, "stable_iterations": 5, "start": 14, "end": 29},
    ]
    assert schedule.total_iterations == 29 and schedule.max_batch_size == 10
    assert schedule.phase_ends == [2, 14, 29]


def test_alpha_ramps_linearly_during_fade_in_and_is_one_when_stable() -> None:
    schedule = build_schedule([4, 8], {"fade": 4, "stable": 2, "batch_size": 1})
    states = [schedule.at(i) for i in range(schedule.total_iterations)]
    assert [s.phase.resolution for s in states] == [4, 4, 8, 8, 8, 8, 8, 8]
    assert [s.alpha for s in states] == [1.0, 1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    assert [s.fading for s in states] == [False, False, True, True, True, True, False, False]
    assert schedule.at(100).phase.resolution == 8 and schedule.at(100).alpha == 1.0


def test_total_in_epochs_is_split_over_the_half_phases() -> None:
    # 004: the whole run in epochs; 3 phases -> 5 half-phases of 2 epochs over 40 images, batch 16
    schedule = build_schedule([4, 8, 16], {"unit": "epochs", "total": 10, "batch_size": 16}, dataset_size=40)
    assert [(p.fade_iterations, p.stable_iterations) for p in schedule.phases] == [(0, 5), (5, 5), (5, 5)]


def test_schedule_errors_are_explicit() -> None:
    with pytest.raises(ValueError, match="training set size"):
        build_schedule([4], {"unit": "epochs", "total": 1, "batch_size": 1})
    with pytest.raises(ValueError, match="'total' or both"):
        build_schedule([4], {"fade": 1, "batch_size": 1})
    with pytest.raises(ValueError, match="unit"):
        build_schedule([4], {"unit": "kimg", "total": 1, "batch_size": 1})
    with pytest.raises(ValueError, match="no batch size for resolution 8"):
        batch_size_at({4: 2}, 8)
