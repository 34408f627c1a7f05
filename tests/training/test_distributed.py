"""Data-parallel training on CPU with gloo: two ranks end identical, only rank 0 logs and checkpoints,
the WGAN-GP double backward works through DDP, resume continues a data-parallel run exactly."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
from pathlib import Path

import cloudpickle
import mlflow
import pytest
import torch
from mlflow.tracking import MlflowClient

from medsynth_pipeline.training import DistributedInfo, StepContext, Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.data import BatchIndexStream
from medsynth_pipeline.training.distributed import DistributedSettings, Replicas, rank_device
from medsynth_pipeline.training.registry import build_system
from medsynth_pipeline.training.runtime import rank_seed

# DCGAN's BatchNorm discriminator as a WGAN-GP critic: DDP, buffers and the penalty's double backward at once
WGAN_GP = {
    "architecture": "dcgan",
    "generator": {"latent_dim": 4, "width": 4},
    "discriminator": {"width": 4},
    "loss": {"name": "wgan_gp"},
}

MPMRI_TINY = {
    "latent_dim": 8, "image_size": 16, "decoder": {"blocks": 2, "channels": [8, 8, 8]},
    "encoder": {"channels": [8, 8]}, "unet": {"channels": [8, 8], "strides": [2]},
    "critic": {"channels": [8, 8], "norm": "layer"}, "aux_critic": {"channels": [8, 8], "norm": "batch"},
    "latent_discriminator": {"hidden": [16]}, "pair_discriminator": {"channels": [8, 8], "norm": "batch"},
    "cogan_generator": {"channels": [8, 8, 8], "private_stages": 1},
    "cogan_discriminator": {"channels": [8, 8], "private_layers": 1},
}

RANK_SCRIPT = '''
import os, sys
from pathlib import Path
import mlflow, torch
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData, seed_everything
from medsynth_pipeline.training.mpmri_factory import system_factory
from medsynth_pipeline.training.mpmri_system import NONCS_POOL
from medsynth_pipeline.training.pggan_system import build_pggan
from medsynth_pipeline.training.registry import build_system

out, uri, run_ids = Path(sys.argv[1]), sys.argv[2], sys.argv[3].split(",")
rank = int(os.environ["RANK"])
torch.set_num_threads(1)
WGAN_GP = {wgan_gp!r}
PGGAN = {{"architecture": {{"latent_dim": 8, "fmap_base": 16, "fmap_max": 8, "mbstd_group_size": 2}},
         "schedule": {{"unit": "images", "fade": 8, "stable": 8, "batch_size": 4}},
         "optimizer": {{"lr": 1e-3, "beta1": 0.0, "beta2": 0.99, "eps": 1e-8}},
         "loss": {{"gp_weight": 10.0, "drift_weight": 0.001}}, "ema_half_life_images": 100.0}}
MPMRI = {mpmri!r}
data = TrainingData(torch.rand(16, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1)

def weights(system):
    return {{f"{{n}}.{{k}}": v.clone() for n, m in system.networks().items() for k, v in m.state_dict().items()}}

def dcgan(parallel_forward=True, bypass_ddp=False):
    system = build_system(WGAN_GP, channels=1, image_size=8, num_classes=0)
    system.parallel_forward = parallel_forward
    if bypass_ddp:  # declares DDP forward passes but runs the bare networks: gradients never averaged
        step = system.train_step
        def train_step(batch, ctx):
            ctx._parallel = None
            return step(batch, ctx)
        system.train_step = train_step
    return system

def config(iterations=4, **kwargs):
    return TrainerConfig(iterations=iterations, batch_size=8, seed=1, device="cpu", log_every=2, **kwargs)

result = {{}}
seed_everything(1)
result["init"] = weights(dcgan())
mlflow.set_tracking_uri(uri)
with mlflow.start_run(run_id=run_ids[rank]):
    ddp = Trainer(dcgan, data, config(checkpoint_dir=str(out / f"ckpt{{rank}}"), checkpoint_every=2,
                                      metrics_prefix="ddp/")).fit()
result["ddp"], result["history"], result["world_size"] = weights(ddp.system), ddp.history, ddp.world_size
Trainer(dcgan, data, config(iterations=2, checkpoint_dir=str(out / f"split{{rank}}"))).fit()  # "crash" at 2
resumed = Trainer(dcgan, data, config(checkpoint_dir=str(out / f"split{{rank}}"))).fit()
result["resumed"], result["resumed_from"], result["resumed_history"] = (
    weights(resumed.system), resumed.resumed_from, resumed.history)
result["fallback"] = weights(Trainer(lambda: dcgan(parallel_forward=False), data, config()).fit().system)
try:
    Trainer(lambda: dcgan(bypass_ddp=True), data, config()).fit()
except RuntimeError as exc:
    result["bypass_error"] = str(exc)
pggan = build_pggan(PGGAN, channels=1, image_size=8, num_classes=0)
pg = Trainer(lambda: build_pggan(PGGAN, channels=1, image_size=8, num_classes=0), data,
             TrainerConfig(iterations=pggan.schedule.total_iterations, batch_size=4, seed=2, device="cpu")).fit()
result["pggan"], result["pggan_resolution"] = weights(pg.system), pg.history[-1]["resolution"]
# 002's semi-supervised synthesizer: no DDP wrappers, supervised and unsupervised steps alternate (F_enc has
# no gradient in the latter), critics with BatchNorm, a reference pool drawn per rank
def pairs(n, seed):
    return torch.rand(n, 2, 16, 16, generator=torch.Generator().manual_seed(seed)) * 2 - 1
mp = Trainer(system_factory("semi_supervised", MPMRI, {{}}),
             TrainingData(pairs(8, 4), references={{NONCS_POOL: pairs(6, 5)}}),
             TrainerConfig(iterations=4, batch_size=4, seed=3, device="cpu")).fit()
result["mpmri"], result["mpmri_history"] = weights(mp.system), mp.history
torch.save(result, out / f"rank{{rank}}.pt")
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    """Two processes started like torchrun does (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR/PORT), each
    with its own MLflow run in one sqlite store and its own checkpoint folder."""
    out = tmp_path_factory.mktemp("ddp")
    uri = f"sqlite:///{out / 'mlflow.db'}"
    client = MlflowClient(uri)  # creates the store here, not concurrently in both ranks
    run_ids = [client.create_run("0", run_name=f"rank{r}").info.run_id for r in range(2)]
    for run_id in run_ids:
        client.set_terminated(run_id)
    script = out / "rank.py"
    script.write_text(RANK_SCRIPT.format(wgan_gp=WGAN_GP, mpmri=MPMRI_TINY))
    env_base = {**os.environ, "WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(_free_port()),
                "OMP_NUM_THREADS": "1"}
    procs = [
        subprocess.Popen([sys.executable, str(script), str(out), uri, ",".join(run_ids)],
                         env={**env_base, "RANK": str(r), "LOCAL_RANK": str(r)},
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for r in range(2)
    ]
    logs = [p.communicate(timeout=240)[0] for p in procs]
    for rank, (proc, log) in enumerate(zip(procs, logs, strict=True)):
        assert proc.returncode == 0, f"rank {rank} failed:\n{log[-4000:]}"
    return out, uri, run_ids


def test_both_ranks_end_with_identical_trained_weights(two_ranks) -> None:
    out, _, _ = two_ranks
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2))
    assert r0["world_size"] == 2
    assert _same(r0["ddp"], r1["ddp"])  # parameters and BatchNorm buffers
    assert not _same(r0["ddp"], r0["init"])  # it trained
    # metrics are averaged over the ranks: both hold the same history of the global batch
    assert r0["history"] == r1["history"] and [row["iteration"] for row in r0["history"]] == [1, 2, 3, 4]


def test_loop_averaged_gradients_equal_ddp(two_ranks) -> None:
    # a system without DDP wrappers (parallel_forward False) gets its gradients averaged by the loop:
    # the very same weights as DDP's (2 ranks: (a + b) / 2 is exact either way)
    out, _, _ = two_ranks
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2))
    assert _same(r0["fallback"], r1["fallback"])
    assert _same(r0["fallback"], r0["ddp"])


def test_diverged_replicas_are_reported(two_ranks) -> None:
    out, _, _ = two_ranks
    for rank in range(2):
        error = torch.load(out / f"rank{rank}.pt", weights_only=False).get("bypass_error", "")
        assert "differ between ranks" in error and "'D'" in error and "'G'" in error


def test_pggan_grows_under_ddp_with_unused_blocks(two_ranks) -> None:
    out, _, _ = two_ranks
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2))
    assert r0["pggan_resolution"] == 8.0  # reached the last phase (4×4 blocks unused there and vice versa)
    assert _same(r0["pggan"], r1["pggan"])  # G, D and the moving average G_ema


def test_systems_without_ddp_wrappers_stay_identical(two_ranks) -> None:
    out, _, _ = two_ranks
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2))
    assert _same(r0["mpmri"], r1["mpmri"])
    ran = {k for row in r0["mpmri_history"] if "L_rec" in row or "loss_G" in row for k in row}
    assert {"L_rec", "loss_G"} <= ran  # supervised and unsupervised steps both ran


def test_only_rank_0_logs_to_mlflow_and_writes_checkpoints(two_ranks) -> None:
    out, uri, run_ids = two_ranks
    client = MlflowClient(uri)
    steps = [m.step for m in client.get_metric_history(run_ids[0], "ddp/loss_D")]
    assert sorted(steps) == [1, 2, 3, 4]
    assert client.get_metric_history(run_ids[0], "ddp/images_per_second")[0].value > 0
    assert client.get_run(run_ids[1]).data.metrics == {}
    assert (out / "ckpt0" / "last.pt").exists()
    assert not (out / "ckpt1").exists()
    state = torch.load(out / "ckpt0" / "last.pt", weights_only=True)
    assert len(state["rng_ranks"]) == 2  # every rank's random streams, for an exact resume
    assert not torch.equal(state["rng_ranks"][0]["torch"], state["rng_ranks"][1]["torch"])


def test_resume_under_ddp_continues_to_the_uninterrupted_result(two_ranks) -> None:
    # rank 1 cannot see rank 0's checkpoint folder (as on another node): rank 0 reads it and sends it
    out, _, _ = two_ranks
    r0, r1 = (torch.load(out / f"rank{r}.pt", weights_only=False) for r in range(2))
    assert r0["resumed_from"] == r1["resumed_from"] == 2
    assert _same(r0["resumed"], r0["ddp"]) and _same(r1["resumed"], r1["ddp"])
    assert r0["resumed_history"] == r0["history"]
    assert not (out / "split1").exists()


def test_config_spawned_ranks_train_like_torchrun_ranks(two_ranks) -> None:
    """``trainer.distributed.world_size: 2`` in one process (a Kedro node): it becomes rank 0, spawns rank 1,
    logs to its active MLflow run, and ends with the weights the two torchrun-style ranks reached."""
    out, uri, _ = two_ranks
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    data = TrainingData(torch.rand(16, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1)
    factory = functools.partial(build_system, WGAN_GP, channels=1, image_size=8, num_classes=0)
    config = TrainerConfig(iterations=4, batch_size=8, seed=1, device="cpu", cpu_threads=1, log_every=2,
                           metrics_prefix="spawned/", distributed={"world_size": 2, "backend": "gloo"})
    try:
        with mlflow.start_run() as run:
            result = Trainer(factory, data, config).fit()
    finally:
        mlflow.set_tracking_uri(previous)
    assert result.world_size == 2
    torchrun_rank0 = torch.load(out / "rank0.pt", weights_only=False)
    assert _same({f"{n}.{k}": v for n, m in result.system.networks().items() for k, v in m.state_dict().items()},
                 torchrun_rank0["ddp"])
    assert result.history == torchrun_rank0["history"]
    # epochs count the global batch of 8: two batches per pass over the 16 images
    assert [row["epoch"] for row in result.history] == [0.5, 1.0, 1.5, 2.0]
    steps = [m.step for m in MlflowClient(uri).get_metric_history(run.info.run_id, "spawned/loss_D")]
    assert sorted(steps) == [1, 2, 3, 4]


def _fails_on_rank_1(spec: dict) -> object:
    system = build_system(spec, channels=1, image_size=8, num_classes=0)
    step = system.train_step

    def train_step(batch, ctx):
        if ctx.rank == 1 and ctx.iteration == 1:
            raise RuntimeError("rank 1 ran out of GPU memory")
        return step(batch, ctx)

    system.train_step = train_step
    return system


def test_a_failing_spawned_rank_fails_the_run_with_its_error(tmp_path: Path) -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the factory lives in this test module
    try:
        config = TrainerConfig(iterations=50, batch_size=4, device="cpu", cpu_threads=1,
                               checkpoint_dir=str(tmp_path), distributed={"world_size": 2})
        data = TrainingData(torch.rand(8, 1, 8, 8))
        with pytest.raises(Exception, match="rank 1 ran out of GPU memory"):
            Trainer(functools.partial(_fails_on_rank_1, WGAN_GP), data, config).fit()
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert not torch.distributed.is_initialized()  # this process can train again
    assert not (tmp_path / "last.pt").exists()


# -- without processes -----------------------------------------------------------------------------------------
def test_settings_reject_typos_and_impossible_combinations() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        TrainerConfig(iterations=1, batch_size=2, distributed={"wrold_size": 2})
    with pytest.raises(ValueError, match="world_size"):
        DistributedSettings(world_size=0)
    with pytest.raises(ValueError, match="CPU"):
        DistributedSettings(sync_batchnorm=True).check_device(torch.device("cpu"))
    with pytest.raises(ValueError, match="gloo"):
        DistributedSettings(backend="nccl").backend_for(torch.device("cpu"))
    assert DistributedSettings().backend_for(torch.device("cpu")) == "gloo"
    assert DistributedSettings(world_size="auto").resolved_world_size("cpu") == 1
    assert rank_device("cpu", DistributedInfo(rank=1, world_size=2, local_rank=1)) == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_each_rank_takes_the_gpu_of_its_local_rank() -> None:
    assert rank_device("auto", DistributedInfo(rank=0, world_size=2, local_rank=0)) == torch.device("cuda", 0)
    with pytest.raises(ValueError, match="CUDA_VISIBLE_DEVICES"):
        rank_device("cuda:1", DistributedInfo(rank=1, world_size=2, local_rank=1))


def test_global_batch_must_split_over_the_ranks() -> None:
    data = TrainingData(torch.rand(8, 1, 8, 8))
    trainer = Trainer(functools.partial(build_system, WGAN_GP, channels=1, image_size=8, num_classes=0), data,
                      TrainerConfig(iterations=1, batch_size=4, device="cpu"))
    with pytest.raises(ValueError, match="does not split evenly over 3 ranks"):
        trainer._run(DistributedInfo(rank=0, world_size=3))


def test_rank_shards_make_up_the_one_process_global_batch() -> None:
    # batch_size is global: ranks take disjoint consecutive shards of the batch one process would train on
    one = BatchIndexStream(10, 8, seed=7)
    ranks = [BatchIndexStream(10, 2, seed=7, rank=r, world_size=4) for r in range(4)]
    for k in range(5):  # crosses epoch boundaries (8 of 10 images per batch)
        assert torch.equal(torch.cat([s.indices(k) for s in ranks]), one.indices(k))
        assert ranks[0].epoch_of(k) == one.epoch_of(k)


def test_rank_seeds_keep_rank_0_and_separate_the_others() -> None:
    assert rank_seed(42, 0) == 42
    seeds = {rank_seed(42, r) for r in range(1, 8)} | {rank_seed(43, r) for r in range(1, 8)}
    assert len(seeds) == 14 and 42 not in seeds
    assert DistributedInfo.from_env().world_size >= 1


def test_ranks_from_torchrun_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert DistributedInfo.from_env() == DistributedInfo(rank=3, world_size=4, local_rank=1)
    monkeypatch.setenv("RANK", "4")
    with pytest.raises(ValueError, match="invalid ranks"):
        DistributedInfo.from_env()


def test_gradients_are_synchronised_between_backward_and_step() -> None:
    layer = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(layer.parameters(), lr=0.1)
    seen: list[bool] = []

    def sync(optimizer: torch.optim.Optimizer) -> None:  # what Replicas.sync_gradients sees
        seen.append(all(p.grad is not None for g in optimizer.param_groups for p in g["params"]))
        for g in optimizer.param_groups:
            for p in g["params"]:
                p.grad.zero_()  # an average of zero: the step must then leave the weights alone

    ctx = StepContext(device=torch.device("cpu"), amp_dtype=None, scalers={}, augment=None, sync_gradients=sync)
    before = layer.weight.detach().clone()
    ctx.optimize("G", layer(torch.ones(1, 2)).sum(), opt)
    assert seen == [True]
    assert torch.equal(layer.weight, before)
    assert ctx.parallel(layer) is layer


def test_one_process_replicas_pass_values_through() -> None:
    replicas = Replicas(DistributedInfo(), torch.device("cpu"), DistributedSettings())
    assert replicas.broadcast({"a": 1}) == {"a": 1}
    assert replicas.gather(3) == [3]
    rows = replicas.average_metrics([(0, {"loss": torch.tensor(2.0)})])
    assert rows == [(0, {"loss": 2.0})]
