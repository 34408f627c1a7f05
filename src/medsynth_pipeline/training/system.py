"""The plug-in interface of the training loop: a ``GenerativeSystem`` owns networks, optimizers and one training step.

The :class:`~medsynth_pipeline.training.trainer.Trainer` knows nothing about architectures or losses. It
feeds batches, keeps RNG/data order/checkpoints/tracking/progress, and calls the system:

``system.begin_iteration(iteration, total)``  once per iteration, before the step (schedules: PGGAN phase
                                             and fade-in alpha, supervised/unsupervised alternation, ...)
``system.train_step(batch, ctx) -> metrics``  one optimisation step of every network it owns; returns
                                             detached scalar tensors (losses, D(x), D(G(z)), ...)
``system.sample(z, labels)``                  images from given latents (fixed-noise snapshots)
``system.sample_latent(n, generator)``        latents drawn from the system's own prior
``system.state_dict()/load_state_dict()``     everything a resume needs (networks, optimizers, own state)
``system.export_generator()``                 the artifact the augmentation stage rebuilds G from

A system that grows networks (PGGAN) or switches between supervised and unsupervised updates (mpMRI) keeps
that logic inside ``begin_iteration``/``train_step`` and its extra state inside ``state_dict``; the loop
stays the same.

Data-parallel runs (several ranks): a system that runs every training forward pass through
``ctx.parallel(network)`` sets ``parallel_forward = True`` and gets DistributedDataParallel wrappers
(gradients averaged during backward, the gradient penalty's double backward included); any other system
has its gradients averaged by ``ctx.optimize`` before each step. Either way it keeps owning, saving and
sampling its unwrapped networks, and ``ctx.world_size`` tells it that ``batch`` is its shard of the global
batch.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

Augment = Callable[[torch.Tensor], torch.Tensor]
Parallel = Callable[[nn.Module], nn.Module]
GradientSync = Callable[[torch.optim.Optimizer], None]


@dataclass
class Batch:
    """One mini-batch on the training device. ``images`` are in the generator's output range."""

    images: torch.Tensor
    labels: torch.Tensor | None = None  # class indices (long) for conditional systems
    extras: dict[str, torch.Tensor] = field(default_factory=dict)  # e.g. paired modalities for mpMRI
    # ``batch_size`` rows of each reference pool of the TrainingData, drawn for this iteration (e.g. 002's
    # real non-CS images); the pools a system needs are named in its ``reference_pools``
    references: dict[str, torch.Tensor] = field(default_factory=dict)


class StepContext:
    """What the loop lends a system for one step: device, mixed precision, DiffAugment, iteration, and in a
    data-parallel run the ranks, the DDP-wrapped networks (``parallel``) and the gradient averaging."""

    def __init__(
        self,
        *,
        device: torch.device,
        amp_dtype: torch.dtype | None,
        scalers: dict[str, torch.amp.GradScaler],
        augment: Augment | None,
        parallel: Parallel | None = None,
        sync_gradients: GradientSync | None = None,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        self.device = device
        self.amp_dtype = amp_dtype
        self._scalers = scalers
        self._augment = augment
        self._parallel = parallel
        self._sync_gradients = sync_gradients
        self.rank = rank
        self.world_size = world_size
        self.iteration = 0
        self.total_iterations = 0

    def parallel(self, module: nn.Module) -> nn.Module:
        """The module to run a training forward pass through: its DistributedDataParallel wrapper in a
        data-parallel run of a ``parallel_forward`` system (gradients are averaged across ranks during
        backward), else ``module`` itself. Save and sample the unwrapped module."""
        return module if self._parallel is None else self._parallel(module)

    def autocast(self) -> contextlib.AbstractContextManager[Any]:
        """Mixed precision for forward passes (a no-op when AMP is off, e.g. on CPU)."""
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=self.device.type, dtype=self.amp_dtype)

    def augment(self, images: torch.Tensor) -> torch.Tensor:
        """DiffAugment for discriminator inputs: apply to real AND fake images (identity when disabled)."""
        return images if self._augment is None else self._augment(images)

    def optimize(self, name: str, loss: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        """Zero grads, backward (loss-scaled under fp16), step ``optimizer``; ``name`` selects its scaler."""
        optimizer.zero_grad(set_to_none=True)
        scaler = self._scalers.get(name)
        if scaler is None or not scaler.is_enabled():
            loss.backward()
            self._sync(optimizer)
            optimizer.step()
            return
        scaler.scale(loss).backward()
        self._sync(optimizer)  # the scaled gradients: every rank then takes the same inf/NaN decision
        scaler.step(optimizer)
        scaler.update()

    def _sync(self, optimizer: torch.optim.Optimizer) -> None:
        if self._sync_gradients is not None:
            self._sync_gradients(optimizer)


class GenerativeSystem(abc.ABC):
    """Base class of every trainable generative system, adversarial (the GANs) or not (the diffusion model);
    see the module docstring for the contract.

    Subclasses set ``self.num_classes`` (0 for unconditional), ``self.reference_pools`` when they draw from
    extra real image pools, and implement the abstract methods. The
    default ``state_dict``/``load_state_dict``/``to`` cover ``networks()`` and ``optimizers()``; override
    ``extra_state``/``load_extra_state`` for schedules (phase, alpha) that must survive a resume.
    """

    num_classes: int = 0
    # True when ``train_step`` runs every training forward pass of its networks through ``ctx.parallel``:
    # a data-parallel run then wraps them in DistributedDataParallel (gradients averaged during backward).
    # False: the loop averages each optimizer's gradients across ranks itself, before the step — the same
    # result, without overlapping communication and backward.
    parallel_forward: bool = False
    # True when some steps leave parameters of a network without gradients (PGGAN's blocks above the current
    # resolution): DDP must then search for them (``trainer.distributed.find_unused_parameters`` overrides).
    leaves_parameters_unused: bool = False
    # Names of the ``TrainingData.references`` pools ``train_step`` reads from ``batch.references``; the loop
    # refuses to start without them.
    reference_pools: tuple[str, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.num_classes > 0

    @abc.abstractmethod
    def networks(self) -> dict[str, nn.Module]:
        """Every module to move to the device, checkpoint and export (e.g. ``{"G": ..., "D": ...}``)."""

    @abc.abstractmethod
    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Every optimizer; the names also key the AMP gradient scalers."""

    @abc.abstractmethod
    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        """One update of all networks; return detached 0-d tensors (no ``.item()``: avoids GPU syncs)."""

    @abc.abstractmethod
    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` latents from the prior, on the system's device (``generator`` for fixed noise)."""

    @abc.abstractmethod
    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Images for latents ``z`` (and class indices), in eval mode, without gradients."""

    @abc.abstractmethod
    def export_generator(self) -> dict[str, Any]:
        """``{"factory": "module:callable", "kwargs": {...}, "state_dict": {...}}`` (see models.latent)."""

    def own_schedule(self) -> tuple[int, int, list[int]] | None:
        """(iterations, batch size, snapshot iterations) of a system whose schedule is part of its design
        (PGGAN's growth phases); None, the default: the model spec's ``schedule`` sets them."""
        return None

    def begin_iteration(self, iteration: int, total_iterations: int) -> None:  # noqa: B027 - optional hook
        """Called before every step; default: nothing to schedule."""

    def extra_state(self) -> dict[str, Any]:
        return {}

    def load_extra_state(self, state: dict[str, Any]) -> None:  # noqa: B027 - optional hook
        pass

    def to(self, device: torch.device) -> GenerativeSystem:
        for module in self.networks().values():
            module.to(device)
        for optimizer in self.optimizers().values():
            for state in optimizer.state.values():
                for key, value in state.items():
                    if isinstance(value, torch.Tensor):
                        state[key] = value.to(device)
        return self

    def state_dict(self) -> dict[str, Any]:
        return {
            "networks": {name: m.state_dict() for name, m in self.networks().items()},
            "optimizers": {name: o.state_dict() for name, o in self.optimizers().items()},
            "extra": self.extra_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        # Extra state first: a growing system rebuilds its networks for the saved phase before loading weights.
        self.load_extra_state(state.get("extra", {}))
        for name, module in self.networks().items():
            module.load_state_dict(state["networks"][name])
        for name, optimizer in self.optimizers().items():
            optimizer.load_state_dict(state["optimizers"][name])

    def parameters(self) -> Iterator[nn.Parameter]:
        for module in self.networks().values():
            yield from module.parameters()
