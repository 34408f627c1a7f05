"""ops/reader_study.py serves the study found through the project's catalog and parameters."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch

from medsynth_pipeline.reader_study.study import select_study_items

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_serve_uses_the_catalog_paths(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "conf", project / "conf", ignore=shutil.ignore_patterns("local"))
    shutil.copy(ROOT / "pyproject.toml", project)
    (project / "src").mkdir()
    (project / "conf/local").mkdir()
    gen = torch.Generator().manual_seed(0)
    images, key = select_study_items(torch.rand(6, 3, 8, 8, generator=gen), np.arange(6) % 2 == 0,
                                     torch.rand(6, 3, 8, 8, generator=gen), np.arange(6) % 2 == 0, 2, 0)
    study = project / "data/07_model_output/reader_study"
    study.mkdir(parents=True)
    torch.save({"images": images, "channels": ["T2W", "ADC", "KTRANS"]}, study / "study_images.pt")
    key.to_parquet(study / "study_key.parquet")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "ops/reader_study.py"), "serve", "--project", str(project),
         "--env", "test", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"},
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-3000:]
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "reader-study app did not start in 90 s"
                time.sleep(0.5)
        data = urllib.parse.urlencode({"reader": "R1"}).encode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", data=data, timeout=10) as response:
            page = response.read().decode()
        assert "Image 1 of 8" in page
        assert (project / "data/01_raw/reader_study/answers.sqlite").is_file()  # where the catalog says
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
