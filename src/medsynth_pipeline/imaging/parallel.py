"""A process pool over independent items (patients, file chunks) whose results come back in input order.

``ordered_map(fn, items, workers)`` is ``map(fn, items)``: with ``workers == 1`` it runs in this process
(the serial path the tests compare against); with more it uses a ``ProcessPoolExecutor`` with the
``spawn`` start method, so ``fn`` must be a top-level function (or a ``functools.partial`` of one) and
items and results must pickle. Results are yielded in the order of ``items`` whatever order the workers
finish in, so the serial and the pooled path give the same outputs.

Workers run one thread each (ITK, BLAS/OpenMP and, if loaded, torch): ``workers`` processes then use
``workers`` cores, not ``workers × cores``. Their log records are forwarded to this process's handlers.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

logger = logging.getLogger(__name__)

#: Environment variables that cap the thread pools of OpenMP, BLAS and numexpr in a worker.
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def resolve_workers(workers: int | None, where: str = "workers") -> int:
    """``None`` → every core (``os.cpu_count()``); otherwise a positive integer (1 = serial, in-process)."""
    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"{where} must be a positive integer or null (every core), got {workers!r}")
    return workers


def single_threaded() -> None:
    """Cap every library's thread pool at one thread in this process (called in each pool worker)."""
    for name in _THREAD_ENV:
        os.environ[name] = "1"  # libraries loaded later read these
    import SimpleITK as sitk

    sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    if "torch" in sys.modules:  # importing torch only to limit it would cost each worker seconds
        sys.modules["torch"].set_num_threads(1)


def _init_worker(
    log_queue: Any, log_level: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    single_threaded()
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(log_queue)]
    root.setLevel(log_level)
    if initializer is not None:
        initializer(*initargs)


class _ForwardToLoggers:
    """Hands a worker's record to the logger of the same name here, so the usual handlers show it."""

    def handle(self, record: logging.LogRecord) -> None:
        target = logging.getLogger(record.name)
        if target.isEnabledFor(record.levelno):
            target.handle(record)


def ordered_map(
    fn: Callable[[_T], _R],
    items: Iterable[_T],
    workers: int,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    window: int | None = None,
) -> Iterator[_R]:
    """``fn`` over ``items``, results in input order; ``workers == 1`` runs here, without a pool.

    ``initializer(*initargs)`` runs once per process (here as well on the serial path) to hand every task
    large shared inputs without pickling them per task. At most ``window`` tasks (default 2 per worker)
    are in flight, so memory holds a few results, not all of them.
    """
    if workers <= 1:
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, items)
        return
    context = multiprocessing.get_context("spawn")
    log_queue = context.Queue()
    listener = logging.handlers.QueueListener(log_queue, _ForwardToLoggers())
    listener.start()
    level = logging.getLogger().getEffectiveLevel()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(log_queue, level, initializer, initargs),
    )
    pending: list[Future[_R]] = []
    limit = window or 2 * workers
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= limit:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        listener.stop()
        log_queue.close()


class RateLog:
    """``done/total`` with a rate, logged at most every ``every_s`` seconds (and for the last item)."""

    def __init__(self, what: str, total: int, unit: str, workers: int, every_s: float = 5.0) -> None:
        self.what, self.total, self.unit, self.workers, self.every_s = what, total, unit, workers, every_s
        self.started = self._last = time.perf_counter()
        self.done = 0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last >= self.every_s or self.done >= self.total:
            self._last = now
            logger.info(
                "%s: %d/%d %s (%.2f %s/s, %d worker%s)", self.what, self.done, self.total, self.unit,
                self.rate(), self.unit, self.workers, "" if self.workers == 1 else "s",
            )  # fmt: skip

    def rate(self) -> float:
        return self.done / max(time.perf_counter() - self.started, 1e-9)


def chunks(items: Sequence[_T], size: int) -> list[list[_T]]:
    """``items`` cut into consecutive lists of ``size`` (the last may be shorter)."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
