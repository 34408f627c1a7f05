"""torchrun + ``medsynth_pipeline.training.launch``: rank 0 runs a command (as Kedro would run), the other
rank serves each of its ``Trainer.fit`` jobs, and everyone stops when the command ends."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from medsynth_pipeline.training.launch import main

# Rank 0's command: two trainings in a row with closures for factories (as the Kedro nodes have), the second
# continuing the first's checkpoint; rank 1 never runs this file.
COMMAND = '''
import sys
from pathlib import Path
import torch
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.registry import build_system

out = Path(sys.argv[1])
spec = {"architecture": "kitchen_seah", "loss": {"name": "minimax"}, "step_order": "g_then_d",
        "generator": {"latent_dim": 4, "fc_features": 32, "widths": [2, 4, 4], "output_activation": "tanh"},
        "discriminator": {"widths": [4, 4, 8]}}
data = TrainingData(torch.rand(12, 3, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1)

def factory():
    return build_system(spec, channels=3, image_size=16, num_classes=0)

def fit(iterations):
    config = TrainerConfig(iterations=iterations, batch_size=4, seed=5, device="cpu", log_every=1,
                           checkpoint_dir=str(out / "ckpt"))
    return Trainer(factory, data, config).fit()

first, second = fit(2), fit(3)
torch.save({"world_sizes": [first.world_size, second.world_size], "resumed_from": second.resumed_from,
            "iterations": second.iterations}, out / "result.pt")
'''


def test_rank_0_runs_the_command_and_rank_1_serves_its_jobs(tmp_path: Path) -> None:
    torchrun = shutil.which("torchrun", path=str(Path(sys.executable).parent)) or "torchrun"
    script = tmp_path / "command.py"
    script.write_text(COMMAND)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [torchrun, "--standalone", "--nproc-per-node=2", "-m", "medsynth_pipeline.training.launch",
         str(script), str(tmp_path)],
        env=env, capture_output=True, text=True, timeout=240, cwd=tmp_path,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    result = torch.load(tmp_path / "result.pt", weights_only=True)
    assert result["world_sizes"] == [2, 2]
    assert result["resumed_from"] == 2 and result["iterations"] == 3
    assert "[rank 1]" in log and "training job 1" in log and "training job 2" in log
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["last.pt"]  # rank 0's only


def test_launcher_refuses_to_run_outside_torchrun(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert main(["kedro", "run"]) == 2
    assert "torchrun" in capsys.readouterr().err
    assert main([]) == 2
