"""Progressive growing GAN (Karras et al. 2018; seed 004) as a ``GenerativeSystem`` of the shared training loop.

The loop calls :meth:`PGGenerativeSystem.begin_iteration` before every step; the system looks the iteration up in
its :class:`~medsynth_pipeline.models.pggan_schedule.GrowthSchedule` (resolution, fade-in alpha, batch size)
and the step then trains G and D at that resolution:

* real images are averaged down to the phase resolution and, during a fade-in, blended between the
  half-resolution version (upscaled) and the full one with the same alpha as the networks (Karras et al.);
* critic loss WGAN-GP with the drift term: ``D(G(z)) − D(x) + λ·GP + ε_drift·D(x)²`` (λ 10, ε 0.001), one
  critic step per generator step; the conditional variant adds AC-GAN cross-entropy on the class logits;
* Adam (lr 1e-3, β 0 / 0.99, ε 1e-8), its state reset whenever a fade-in or a stabilisation starts;
* an exponential moving average of G (half-life in images, 10k in Karras et al.) is what snapshots and
  the exported generator use.

Per-phase batch sizes: the loop feeds batches of one size, so the system asks it for the largest phase
batch and uses the first ``batch_size(phase)`` images of each batch (the index stream is random, so they
are a random sample). With 004's preset (16 everywhere) nothing is dropped. In a data-parallel run the
phase batch is the global one: each of the ``ctx.world_size`` ranks takes ``batch_size(phase) / world_size``
images of its shard, and G and D run through ``ctx.parallel`` (DistributedDataParallel).
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from medsynth_pipeline.models.latent import eval_mode
from medsynth_pipeline.models.pggan import (
    PGGANArchitecture,
    PGGANDiscriminator,
    PGGANGenerator,
    update_average,
)
from medsynth_pipeline.models.pggan_layers import downscale2d, fade, upscale2d
from medsynth_pipeline.models.pggan_schedule import GrowthSchedule, PhaseState, build_schedule
from medsynth_pipeline.training.checkpoint import save_atomic
from medsynth_pipeline.training.losses import WassersteinGPLoss, gradient_penalty
from medsynth_pipeline.training.registry import register_system
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PGGANSettings:
    """Optimisation settings (conf: ``pggan.system.optimizer`` / ``loss`` / ``ema``)."""

    lr: float
    beta1: float
    beta2: float
    eps: float
    gp_weight: float
    drift_weight: float
    cond_weight: float = 1.0
    ema_half_life_images: float = 0.0  # 0: no moving average, sample from G itself
    reset_optimizer_per_phase: bool = True


def real_images_at(images: torch.Tensor, resolution: int, alpha: float) -> torch.Tensor:
    """Full-resolution reals → the phase resolution, faded like the networks' outputs."""
    factor = images.shape[-1] // resolution
    if factor < 1 or images.shape[-1] != factor * resolution:
        raise ValueError(f"cannot bring {images.shape[-1]}×{images.shape[-1]} images to {resolution}×{resolution}")
    x = F.avg_pool2d(images, factor) if factor > 1 else images
    if alpha >= 1.0:
        return x
    return fade(upscale2d(downscale2d(x)), x, alpha)


class PGGenerativeSystem(GenerativeSystem):
    """Generator, critic, their Adam optimisers and the growth schedule."""

    parallel_forward = True  # every training forward pass goes through ctx.parallel
    leaves_parameters_unused = True  # blocks of other resolutions get no gradients in a phase

    def __init__(self, arch: PGGANArchitecture, schedule: GrowthSchedule, settings: PGGANSettings) -> None:
        if schedule.phases[-1].resolution != arch.final_resolution:
            raise ValueError(
                f"schedule ends at {schedule.phases[-1].resolution}, networks at {arch.final_resolution}"
            )
        self.arch = arch
        self.schedule = schedule
        self.settings = settings
        self.num_classes = arch.num_classes
        self.G = PGGANGenerator(arch)
        self.D = PGGANDiscriminator(arch)
        self.G_ema = copy.deepcopy(self.G).eval() if settings.ema_half_life_images > 0 else None
        if self.G_ema is not None:
            self.G_ema.requires_grad_(False)
        betas = (settings.beta1, settings.beta2)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=settings.lr, betas=betas, eps=settings.eps)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=settings.lr, betas=betas, eps=settings.eps)
        self.loss = WassersteinGPLoss(settings.gp_weight, settings.drift_weight)
        self.state: PhaseState = schedule.at(0)
        self._stage: tuple[int, bool] | None = None

    # -- the loop's hooks -------------------------------------------------------------------------------

    def own_schedule(self) -> tuple[int, int, list[int]]:
        """The growth phases set the length, the largest batch and the snapshots (one per phase end)."""
        return self.schedule.total_iterations, self.schedule.max_batch_size, self.schedule.phase_ends

    def networks(self) -> dict[str, nn.Module]:
        nets: dict[str, nn.Module] = {"G": self.G, "D": self.D}
        if self.G_ema is not None:
            nets["G_ema"] = self.G_ema
        return nets

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"G": self.opt_g, "D": self.opt_d}

    def begin_iteration(self, iteration: int, total_iterations: int) -> None:
        state = self.schedule.at(iteration)
        if self._stage is not None and state.stage != self._stage:
            if self.settings.reset_optimizer_per_phase:
                self.opt_g.state.clear()
                self.opt_d.state.clear()
            logger.info(
                "PGGAN %s %d×%d (iteration %d, batch %d)", "fade-in" if state.fading else "stabilise",
                state.phase.resolution, state.phase.resolution, iteration, state.phase.batch_size,
            )
        self._stage = state.stage
        self.state = state

    def extra_state(self) -> dict[str, Any]:
        return {"stage": None if self._stage is None else [self._stage[0], self._stage[1]]}

    def load_extra_state(self, state: dict[str, Any]) -> None:
        stage = state.get("stage")
        self._stage = None if stage is None else (int(stage[0]), bool(stage[1]))

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        res, alpha, size = self.state.phase.resolution, self.state.alpha, self.state.phase.batch_size
        if batch.images.shape[-1] != self.arch.final_resolution:
            raise ValueError(f"PGGAN trains on {self.arch.final_resolution}² images, got {tuple(batch.images.shape)}")
        if size % ctx.world_size:
            raise ValueError(f"PGGAN phase {res}×{res}: batch {size} does not split over {ctx.world_size} ranks")
        real = real_images_at(batch.images[:size // ctx.world_size], res, alpha)
        labels = self._labels(batch, real.shape[0])
        self.G.train()
        self.D.train()
        metrics = self._critic_step(real, labels, res, alpha, ctx)
        metrics.update(self._generator_step(real.shape[0], labels, res, alpha, ctx))
        if self.G_ema is not None:
            beta = 0.5 ** (real.shape[0] * ctx.world_size / self.settings.ema_half_life_images)  # global images
            update_average(self.G_ema, self.G, beta)
        metrics["resolution"] = torch.tensor(float(res))
        metrics["alpha"] = torch.tensor(float(alpha))
        return metrics

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.G.sample_latent(n, generator)

    @torch.no_grad()
    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images at the current phase's resolution and alpha, from the moving average when there is one."""
        net = self.G_ema if self.G_ema is not None else self.G
        with eval_mode(net):
            out = net(z, labels, self.state.phase.resolution, self.state.alpha)
            return out.float().clamp(*net.output_range)

    def export_generator(self) -> dict[str, Any]:
        net = self.G_ema if self.G_ema is not None else self.G
        artifact = net.export()
        # a run stopped before the last phase has untrained top blocks: say how far it grew
        artifact["trained_resolution"] = int(self.state.phase.resolution)
        return artifact

    # -- the step -------------------------------------------------------------------------------------
    def _labels(self, batch: Batch, n: int) -> torch.Tensor | None:
        if not self.conditional:
            return None
        if batch.labels is None:
            raise ValueError("conditional PGGAN trained without labels: TrainingData.labels is None")
        return batch.labels[:n]

    def _class_loss(self, logits: torch.Tensor | None, labels: torch.Tensor | None) -> torch.Tensor | None:
        if logits is None or labels is None or not self.settings.cond_weight:
            return None
        return self.settings.cond_weight * F.cross_entropy(logits.float(), labels)

    def _critic_step(
        self, real: torch.Tensor, labels: torch.Tensor | None, res: int, alpha: float, ctx: StepContext
    ) -> dict[str, torch.Tensor]:
        G, D = ctx.parallel(self.G), ctx.parallel(self.D)
        z = self.G.sample_latent(real.shape[0])
        with torch.no_grad(), ctx.autocast():
            fake = G(z, labels, res, alpha)
        with ctx.autocast():
            real_score, real_cls = D(ctx.augment(real), res, alpha)
            fake_score, fake_cls = D(ctx.augment(fake), res, alpha)
        real_score, fake_score = real_score.float(), fake_score.float()
        loss = self.loss.discriminator(real_score, fake_score)
        gp = gradient_penalty(lambda x: D(ctx.augment(x), res, alpha)[0], real, fake)
        loss = loss + self.loss.gp_weight * gp
        out = {"gradient_penalty": gp.detach()}
        for term in (self._class_loss(real_cls, labels), self._class_loss(fake_cls, labels)):
            if term is not None:
                loss = loss + term
                out["loss_D_class"] = out.get("loss_D_class", 0.0) + term.detach()
        ctx.optimize("D", loss, self.opt_d)
        out.update({
            "loss_D": loss.detach(), "D_x": real_score.detach().mean(), "D_G_z": fake_score.detach().mean(),
            "wasserstein": (real_score - fake_score).detach().mean(),
        })
        return out

    def _generator_step(
        self, n: int, labels: torch.Tensor | None, res: int, alpha: float, ctx: StepContext
    ) -> dict[str, torch.Tensor]:
        z = self.G.sample_latent(n)
        with ctx.autocast():
            fake = ctx.parallel(self.G)(z, labels, res, alpha)
            score, cls = ctx.parallel(self.D)(ctx.augment(fake), res, alpha)
        loss = self.loss.generator(score.float())
        class_term = self._class_loss(cls, labels)
        if class_term is not None:
            loss = loss + class_term
        ctx.optimize("G", loss, self.opt_g)
        return {"loss_G": loss.detach()}


def pggan_settings(spec: Mapping[str, Any]) -> PGGANSettings:
    """Settings from ``spec`` keys ``optimizer`` (lr, beta1, beta2, eps), ``loss`` (gp_weight, drift_weight,
    cond_weight), ``ema_half_life_images``, ``reset_optimizer_per_phase``."""
    opt, loss = dict(spec["optimizer"]), dict(spec["loss"])
    return PGGANSettings(
        lr=float(opt["lr"]), beta1=float(opt["beta1"]), beta2=float(opt["beta2"]), eps=float(opt["eps"]),
        gp_weight=float(loss["gp_weight"]), drift_weight=float(loss["drift_weight"]),
        cond_weight=float(loss.get("cond_weight", 1.0)),
        ema_half_life_images=float(spec.get("ema_half_life_images", 0.0)),
        reset_optimizer_per_phase=bool(spec.get("reset_optimizer_per_phase", True)),
    )


@register_system("pggan")
def build_pggan(
    spec: Mapping[str, Any], *, channels: int, image_size: int, num_classes: int, dataset_size: int | None = None
) -> PGGenerativeSystem:
    """The ``training.registry`` plug-in ``factory: pggan``.

    ``spec`` keys: ``architecture`` (latent_dim, fmap_base, fmap_max, mbstd_group_size), ``schedule`` (see
    :func:`~medsynth_pipeline.models.pggan_schedule.build_schedule`), and those of :func:`pggan_settings`.
    The final resolution, channels and classes come from the training data.
    """
    arch = PGGANArchitecture(
        final_resolution=int(image_size), image_channels=int(channels), num_classes=int(num_classes),
        **{k: int(v) for k, v in dict(spec["architecture"]).items()},
    )
    schedule = build_schedule(arch.resolutions, spec["schedule"], dataset_size)
    return PGGenerativeSystem(arch, schedule, pggan_settings(spec))


class PhaseCheckpoints:
    """Trainer callback: at the end of every resolution phase, the generator artifact (and the critic)
    as ``<directory>/phase_<R>x<R>.pt`` — one usable generator per resolution, written atomically."""

    def __init__(self, schedule: GrowthSchedule, directory: str | Path) -> None:
        self.ends = {p.end: p.resolution for p in schedule.phases}
        self.directory = Path(directory)

    def path_for(self, resolution: int) -> Path:
        return self.directory / f"phase_{resolution}x{resolution}.pt"

    def __call__(self, done: int, system: GenerativeSystem) -> None:
        if done not in self.ends or not isinstance(system, PGGenerativeSystem):
            return
        resolution = self.ends[done]
        state = {"iteration": done, "resolution": resolution, "generator": system.export_generator(),
                 "discriminator": {k: v.detach().cpu() for k, v in system.D.state_dict().items()},
                 "architecture": system.arch.to_dict(), "settings": asdict(system.settings)}
        save_atomic(state, self.path_for(resolution))
        logger.info("PGGAN phase %d×%d done at iteration %d: %s", resolution, resolution, done,
                    self.path_for(resolution))


class PhaseTimer:
    """Trainer callback: wall time and throughput of every resolution phase run in this process.

    ``records`` rows: ``resolution, batch_size, iterations, seconds, images_per_second, complete`` —
    ``complete`` is False for a phase this process only ran part of (a resume started inside it).
    """

    def __init__(self, schedule: GrowthSchedule) -> None:
        self.schedule = schedule
        self.records: list[dict[str, Any]] = []
        self._phase_start: tuple[int, float] | None = None

    def __call__(self, done: int, system: GenerativeSystem) -> None:
        now = time.perf_counter()
        phase = self.schedule.at(done - 1).phase
        if self._phase_start is None:
            # first step seen by this process: time from here (the step itself is not counted)
            self._phase_start = (done, now)
            return
        if done == phase.end:
            first, since = self._phase_start
            steps = done - first
            seconds = now - since
            self.records.append({
                "resolution": phase.resolution, "batch_size": phase.batch_size, "iterations": steps,
                "seconds": round(seconds, 4),
                "images_per_second": round(steps * phase.batch_size / seconds, 2) if seconds > 0 else float("nan"),
                "complete": first <= phase.start + 1,
            })
            self._phase_start = (done, now)
