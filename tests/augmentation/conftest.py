"""Every augmentation test trains or samples tiny networks: one torch thread (tests/torch_threads.py)."""

from __future__ import annotations

from ..torch_threads import one_cpu_thread  # noqa: F401
