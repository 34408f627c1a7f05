"""Streaming training metrics to MLflow while the loop runs (the only place ``training`` touches mlflow).

Metrics are buffered and sent in batches (``MlflowClient.log_batch``), step-indexed by iteration, and only
when an MLflow run is active (``kedro run`` with kedro-mlflow opens one); otherwise tracking is a no-op, so
the library and its tests run without MLflow. mlflow's system-metrics monitor logs CPU, memory, disk and
network use (``system/cpu_utilization_percentage``, ...) to the same run on every device, so a slow run can be
told apart from a starved machine; on CUDA it adds GPU utilisation, memory and power (``system/gpu_*``). The
sampling interval is 5 s unless ``MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL`` says otherwise.
"""

from __future__ import annotations

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)

_MAX_BATCH = 1000  # mlflow's limit of metrics per log_batch call
_SYSTEM_METRICS_INTERVAL_S = 5  # mlflow's default (10 s) misses most of a CPU demo model's training


class MlflowTracker:
    """``log(step, metrics)`` buffers; ``flush()`` sends; ``close()`` flushes and stops system metrics.

    The system-metrics monitor runs whenever a run is active on an enabled tracker (psutil is a dependency).

    Args:
        prefix: prepended to every key (``"<model>/"``), so several models share one run.
        flush_every: steps buffered between sends.
        gpu: the run trains on CUDA, so GPU metrics are expected: a warning when mlflow cannot read them
            (nvidia-ml-py missing).
        enabled: False on non-main ranks of a distributed run.
    """

    def __init__(
        self, prefix: str = "", flush_every: int = 25, gpu: bool = False, enabled: bool = True
    ) -> None:
        self.prefix = prefix
        self.flush_every = max(1, int(flush_every))
        self._buffer: list[Any] = []
        self._pending_steps = 0
        self._run_id: str | None = None
        self._monitor: Any = None
        if not enabled:
            return
        try:
            import mlflow
        except ImportError:  # mlflow is a project dependency; tolerate its absence in a bare library use
            return
        run = mlflow.active_run()
        if run is None:
            return
        self._run_id = run.info.run_id
        self._start_system_metrics(gpu)

    @property
    def active(self) -> bool:
        return self._run_id is not None

    def _start_system_metrics(self, gpu: bool) -> None:
        try:
            from mlflow.system_metrics.metrics.gpu_monitor import GPUMonitor
            from mlflow.system_metrics.metrics.rocm_monitor import ROCMMonitor
            from mlflow.system_metrics.system_metrics_monitor import SystemMetricsMonitor

            # resume_logging: several models trained into one run continue the system/* steps, not restart
            self._monitor = SystemMetricsMonitor(self._run_id, sampling_interval=_SYSTEM_METRICS_INTERVAL_S,
                                                  resume_logging=True)
        except Exception as exc:  # training must not fail over monitoring
            logger.warning("System metrics not logged to MLflow: %s", exc)
            return
        if gpu and not any(isinstance(m, (GPUMonitor, ROCMMonitor)) for m in self._monitor.monitors):
            logger.warning("GPU system metrics not logged to MLflow: mlflow found no NVML/ROCm (nvidia-ml-py)")
        self._monitor.start()

    def log(self, step: int, metrics: dict[str, float]) -> None:
        if not self.active:
            return
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        self._buffer.extend(Metric(f"{self.prefix}{k}", float(v), now, int(step)) for k, v in metrics.items())
        self._pending_steps += 1
        if self._pending_steps >= self.flush_every:
            self.flush()

    def log_params(self, params: dict[str, Any]) -> None:
        if not self.active:
            return
        import mlflow

        try:
            mlflow.log_params({f"{self.prefix}{k}": v for k, v in params.items()})
        except Exception as exc:  # a rerun logging a changed value must not abort training
            logger.warning("MLflow params not logged: %s", exc)

    def flush(self) -> None:
        if not self.active or not self._buffer:
            self._pending_steps = 0
            return
        from mlflow.tracking import MlflowClient

        client = MlflowClient()
        for i in range(0, len(self._buffer), _MAX_BATCH):
            client.log_batch(self._run_id, metrics=self._buffer[i : i + _MAX_BATCH], synchronous=True)
        self._buffer.clear()
        self._pending_steps = 0

    def close(self) -> None:
        self.flush()
        if self._monitor is not None:
            self._monitor.finish()
            self._monitor = None
