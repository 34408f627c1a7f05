"""The loop: learning on a toy set, seeding, resume after a crash (in-process and kill -9), snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.checkpoint import LAST

from .conftest import TINY_DCGAN, TINY_KS, assert_same_weights, factory, weights


class Crash(RuntimeError):
    pass


def _crash_at(k: int):
    def callback(done: int, system) -> None:
        if done == k:
            raise Crash(f"simulated crash after iteration {k}")

    return callback


def test_discriminator_loss_falls_on_separable_toy_set() -> None:
    # Real images are bright, G is frozen (lr 0) so its fakes stay what they are: D only has to separate.
    # (Kitchen & Seah's D has no BatchNorm, so it can separate whole batches.)
    spec = {**TINY_KS, "optimizer_g": {"lr": 0.0}, "optimizer_d": {"lr": 0.005}}
    gen = torch.Generator().manual_seed(0)
    data = TrainingData(0.8 + 0.2 * torch.rand(32, 3, 16, 16, generator=gen))
    result = Trainer(factory(spec, 3, 16), data, TrainerConfig(iterations=30, batch_size=16, log_every=5)).fit()
    first = sum(r["loss_D"] for r in result.history[:3]) / 3
    last = sum(r["loss_D"] for r in result.history[-3:]) / 3
    assert last < 0.3 * first
    assert result.history[-1]["D_x"] > 0.9 and result.history[-1]["D_G_z"] < 0.1
    assert [r["iteration"] for r in result.history] == list(range(1, 31))


def test_same_seed_same_weights_other_seed_other_weights(ks_data: TrainingData) -> None:
    def run(seed: int):
        cfg = TrainerConfig(iterations=4, batch_size=8, seed=seed, diffaugment="color,translation,cutout")
        return Trainer(factory(TINY_KS, 3, 16), ks_data, cfg).fit().system

    a, b, c = run(1), run(1), run(2)
    assert_same_weights(a, b)
    wa, wc = weights(a), weights(c)
    assert any(not torch.equal(wa[k], wc[k]) for k in wa)


def test_resume_after_crash_gives_the_uninterrupted_result(ks_data: TrainingData, tmp_path: Path) -> None:
    def config(directory: Path | None) -> TrainerConfig:
        return TrainerConfig(iterations=9, batch_size=10, seed=3, diffaugment="translation,cutout",
                             checkpoint_dir=str(directory) if directory else None, checkpoint_every=3,
                             snapshot_iterations=[2, 9], fixed_per_class=2, log_every=2)

    reference = Trainer(factory(TINY_KS, 3, 16), ks_data, config(None)).fit()
    with pytest.raises(Crash):  # dies after iteration 5; the last checkpoint is from iteration 3
        Trainer(factory(TINY_KS, 3, 16), ks_data, config(tmp_path), callbacks=[_crash_at(5)]).fit()
    assert torch.load(tmp_path / LAST, weights_only=True)["iteration"] == 3
    resumed = Trainer(factory(TINY_KS, 3, 16), ks_data, config(tmp_path)).fit()

    assert resumed.resumed_from == 3
    assert_same_weights(reference.system, resumed.system)
    assert resumed.history == reference.history
    assert resumed.snapshots.keys() == {2, 9}
    assert all(torch.equal(resumed.snapshots[k], reference.snapshots[k]) for k in (2, 9))
    ref_opt = reference.system.opt_d.state_dict()["state"]
    res_opt = resumed.system.opt_d.state_dict()["state"]
    assert all(torch.equal(ref_opt[k]["exp_avg"], res_opt[k]["exp_avg"]) for k in ref_opt)


_KILLED_RUN = """
import os, signal, torch
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.registry import build_system
TINY_KS = {tiny_ks!r}
data = TrainingData(torch.load({data!r}, weights_only=True))
cfg = TrainerConfig(iterations=8, batch_size=10, seed=5, checkpoint_dir={ckpt!r}, checkpoint_every=2)
def die(done, system):
    if done == 5:
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9: no cleanup, no final checkpoint
Trainer(lambda: build_system(TINY_KS, channels=3, image_size=16, num_classes=0), data, cfg, callbacks=[die]).fit()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_resume_after_kill_9(ks_data: TrainingData, tmp_path: Path) -> None:
    torch.save(ks_data.images, tmp_path / "data.pt")
    # the spec travels as a literal: the tests tree is not importable outside pytest
    script = _KILLED_RUN.format(tiny_ks=TINY_KS, data=str(tmp_path / "data.pt"),
                                ckpt=str(tmp_path / "ckpt"))
    env = {**os.environ, "OMP_NUM_THREADS": str(torch.get_num_threads())}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert not [p for p in (tmp_path / "ckpt").iterdir() if p.name != LAST], "a temporary file was left behind"

    cfg = TrainerConfig(iterations=8, batch_size=10, seed=5, checkpoint_dir=str(tmp_path / "ckpt"), checkpoint_every=2)
    resumed = Trainer(factory(TINY_KS, 3, 16), ks_data, cfg).fit()
    reference = Trainer(factory(TINY_KS, 3, 16), ks_data, TrainerConfig(iterations=8, batch_size=10, seed=5)).fit()
    assert resumed.resumed_from == 4
    assert_same_weights(reference.system, resumed.system)


def test_checkpoint_of_other_settings_is_not_resumed(ks_data: TrainingData, tmp_path: Path) -> None:
    base = dict(iterations=3, batch_size=8, checkpoint_dir=str(tmp_path))
    Trainer(factory(TINY_KS, 3, 16), ks_data, TrainerConfig(seed=1, **base)).fit()
    again = Trainer(factory(TINY_KS, 3, 16), ks_data, TrainerConfig(seed=1, **base)).fit()
    other = Trainer(factory(TINY_KS, 3, 16), ks_data, TrainerConfig(seed=2, **base)).fit()
    assert again.resumed_from == 3 and len(again.history) == 3  # finished run: nothing left to do
    assert other.resumed_from == 0


def test_corrupt_checkpoint_names_the_file(ks_data: TrainingData, tmp_path: Path) -> None:
    (tmp_path / LAST).write_bytes(b"not a checkpoint")
    cfg = TrainerConfig(iterations=2, batch_size=8, checkpoint_dir=str(tmp_path))
    with pytest.raises(RuntimeError, match=str(tmp_path / LAST)):
        Trainer(factory(TINY_KS, 3, 16), ks_data, cfg).fit()


def test_conditional_fixed_noise_rows_share_latents() -> None:
    spec = {"architecture": "prostategan", "generator": {"latent_dim": 6, "embedding_dim": 3, "width": 4},
            "discriminator": {"width": 4}}
    data = TrainingData(torch.rand(12, 1, 32, 32) * 2 - 1, torch.arange(12) % 3)
    cfg = TrainerConfig(iterations=2, batch_size=6, snapshot_iterations=[1, 2], fixed_per_class=2)
    result = Trainer(factory(spec, 1, 32, 3), data, cfg).fit()
    assert result.fixed_labels.tolist() == [0, 0, 1, 1, 2, 2]
    assert result.snapshots[2].shape == (6, 1, 32, 32)
    assert not torch.equal(result.snapshots[1], result.snapshots[2])  # G changed between milestones


def test_conditional_system_refuses_unlabelled_data() -> None:
    spec = {"architecture": "prostategan", "generator": {"width": 4}, "discriminator": {"width": 4}}
    data = TrainingData(torch.rand(4, 1, 32, 32))
    with pytest.raises(ValueError, match="without labels"):
        Trainer(factory(spec, 1, 32, 2), data, TrainerConfig(iterations=1, batch_size=2)).fit()


def test_wgan_gp_system_trains_with_penalty_and_critic_steps() -> None:
    spec = {**TINY_DCGAN, "loss": {"name": "wgan_gp", "gp_weight": 10.0}, "d_steps": 3}
    data = TrainingData(torch.rand(16, 1, 8, 8) * 2 - 1)
    result = Trainer(factory(spec, 1, 8), data, TrainerConfig(iterations=3, batch_size=8)).fit()
    last = result.history[-1]
    assert {"loss_D", "loss_G", "gradient_penalty", "D_x", "D_G_z"} <= set(last)
    assert last["gradient_penalty"] >= 0
    assert result.system.opt_d.state_dict()["state"][0]["step"].item() == 9  # 3 critic steps per iteration
    assert result.system.opt_g.state_dict()["state"][0]["step"].item() == 3
