"""002's semi-supervised mp-MRI synthesizer as a ``GenerativeSystem`` of the shared training loop.

One :meth:`SemiSupervisedMpmriSystem.train_step` is one iteration of Eq. 10:

1. critics, every iteration (Fig. 3): D_ADC and D_T2w by WGAN-GP against real CS images (Eqs. 4–5), and,
   when β > 0, the auxiliary critics C_ADC and C_T2w by cross-entropy, real nonCS vs synthetic CS (Eqs. 8–9);
2. synthesizer, every ``n_critic``-th iteration, the two steps in turn:
   a. supervised (Fig. 2): codes z = F_enc(a) of the real CS pairs; D_AAE learns prior vs codes (Eq. 2), then
      F_enc, F_dec and G minimise α·L_sup = α·(L + J_AAE) (Eqs. 1, 3);
   b. unsupervised (Fig. 3): random z ~ N(0, I) → â = F_dec(z) → t̂ = G(â); F_dec and G minimise
      α·L_unsup (Eq. 6) − β·(J_ADC + J_T2w) (Eq. 10).

The loop feeds the real CS ADC–T2w pairs as ``batch.images`` ``[N, 2, S, S]`` in [-1, 1] (channel 0 ADC,
channel 1 T2w); the critics see each modality on its own, so they learn the marginals as the paper's
"unpaired" step does. The real nonCS images for C_ADC / C_T2w are the loop's reference pool ``non_cs``
(``TrainingData(cs, references={"non_cs": noncs})``): every iteration brings a batch-sized draw of them in
``batch.references``, seeded like the batches, so a resumed run draws the same images.

``supervised=False, modalities="adc"`` gives the StitchLayer ablation's unsupervised ADC model (Table I).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from medsynth_pipeline.models.latent import eval_mode
from medsynth_pipeline.models.mpmri import CoganSynthesizer, ConvCritic, LatentDiscriminator, MpmriSynthesizer
from medsynth_pipeline.training import mpmri_losses as eq
from medsynth_pipeline.training.adversarial import AdamSettings
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext

MODALITIES = ("adc_t2w", "adc")
NONCS_POOL = "non_cs"  # the reference pool of real nonCS pairs (Eqs. 8-9)


def adam_settings(values: dict[str, Any] | AdamSettings) -> AdamSettings:
    """Adam settings from conf (``lr``, ``beta1``, ``beta2``); WGAN-GP's defaults 1e-4, 0.5, 0.9 fill gaps."""
    if isinstance(values, AdamSettings):
        return values
    merged = {"lr": 1e-4, "beta1": 0.5, "beta2": 0.9, **values}
    return AdamSettings(float(merged["lr"]), float(merged["beta1"]), float(merged["beta2"]))


def _wgan_adam() -> AdamSettings:
    return adam_settings({})


@dataclass
class MpmriArchitecture:
    """Keyword arguments of every network (see ``models.mpmri``); one dict per network."""

    latent_dim: int = 128
    image_size: int = 64
    decoder: dict[str, Any] = field(default_factory=dict)
    encoder: dict[str, Any] = field(default_factory=dict)
    unet: dict[str, Any] = field(default_factory=dict)
    critic: dict[str, Any] = field(default_factory=lambda: {"norm": "layer"})
    aux_critic: dict[str, Any] = field(default_factory=lambda: {"norm": "batch"})
    latent_discriminator: dict[str, Any] = field(default_factory=dict)
    pair_discriminator: dict[str, Any] = field(default_factory=lambda: {"norm": "batch"})
    cogan_generator: dict[str, Any] = field(default_factory=dict)
    cogan_discriminator: dict[str, Any] = field(default_factory=dict)


@dataclass
class SemiSupervisedSettings:
    """The weights and schedule of Eq. 10.

    Args:
        supervised / unsupervised: which of Fig. 2 / Fig. 3 runs (both: semi-supervised).
        modalities: ``adc_t2w`` (the full synthesizer) or ``adc`` (F_dec alone, for the StitchLayer ablation).
        alpha, beta: Eq. 10 weights; β = 0 is "Ours w/o the AD maximisation" (no C networks are built).
        aae_weight: weight of J_AAE inside L_sup (Eq. 3 adds it with weight 1).
        lambda_adc, lambda_t2w: gradient-penalty weights λ of Eqs. 4–5.
        n_critic: critic updates per synthesizer update.
    """

    supervised: bool = True
    unsupervised: bool = True
    modalities: str = "adc_t2w"
    alpha: float = 1.0
    beta: float = 1.0
    aae_weight: float = 1.0
    lambda_adc: float = 10.0
    lambda_t2w: float = 10.0
    n_critic: int = 5
    synthesizer_optimizer: AdamSettings = field(default_factory=_wgan_adam)
    critic_optimizer: AdamSettings = field(default_factory=_wgan_adam)
    aux_optimizer: AdamSettings = field(default_factory=_wgan_adam)
    aae_optimizer: AdamSettings = field(default_factory=_wgan_adam)

    def __post_init__(self) -> None:
        if self.modalities not in MODALITIES:
            raise ValueError(f"modalities must be one of {MODALITIES}, got {self.modalities!r}")
        if not (self.supervised or self.unsupervised):
            raise ValueError("at least one of the supervised and unsupervised steps must run")
        if self.supervised and self.modalities != "adc_t2w":
            raise ValueError("the supervised step (Eq. 1) needs ADC-T2w pairs: use modalities='adc_t2w'")
        if self.beta > 0 and not self.unsupervised:
            raise ValueError("the auxiliary distance (β > 0) is maximised in the unsupervised step: enable it")
        if self.n_critic < 1:
            raise ValueError(f"n_critic must be >= 1, got {self.n_critic}")
        for name in ("synthesizer_optimizer", "critic_optimizer", "aux_optimizer", "aae_optimizer"):
            value = getattr(self, name)
            if isinstance(value, dict):
                setattr(self, name, adam_settings(value))


@contextlib.contextmanager
def frozen(*modules: nn.Module | None) -> Iterator[None]:
    """Stop gradients into ``modules`` (critics during a synthesizer update): less work, same result."""
    params = [p for m in modules if m is not None for p in m.parameters()]
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(params, flags, strict=True):
            p.requires_grad_(flag)


def split_modalities(images: torch.Tensor, need_t2w: bool) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``[N, C, S, S]`` (channel 0 ADC, channel 1 T2w) → ``(adc, t2w)``, each ``[N, 1, S, S]``."""
    if images.dim() != 4 or images.shape[1] < (2 if need_t2w else 1):
        raise ValueError(f"expected [N, 2, S, S] ADC-T2w pairs (channel 0 ADC), got {tuple(images.shape)}")
    return images[:, :1], (images[:, 1:2] if need_t2w else None)


def train_mode(system: GenerativeSystem) -> None:
    """Every network in training mode (a snapshot or callback may have left one in eval mode)."""
    for module in system.networks().values():
        module.train()


class SynthesizerSampling:
    """``sample_latent``/``sample``/``export_generator`` of a system whose generator is ``self.synthesizer``."""

    synthesizer: MpmriSynthesizer | CoganSynthesizer

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.synthesizer.sample_latent(n, generator)

    @torch.no_grad()
    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        with eval_mode(self.synthesizer):
            return self.synthesizer(z)

    def export_generator(self) -> dict[str, Any]:
        artifact = self.synthesizer.export()
        artifact["channels"] = list(self.synthesizer.channels)
        return artifact


class SemiSupervisedMpmriSystem(SynthesizerSampling, GenerativeSystem):
    """002's synthesizer (see the module docstring). With β > 0 it reads the reference pool ``non_cs``
    (real nonCS ``[M, 2, S, S]`` in [-1, 1]) of the training data."""

    def __init__(self, architecture: MpmriArchitecture, settings: SemiSupervisedSettings) -> None:
        self.arch, self.settings = architecture, settings
        two = settings.modalities == "adc_t2w"
        a = architecture
        self.synthesizer = MpmriSynthesizer(
            a.latent_dim, a.image_size, decoder=a.decoder, unet=a.unet if two else None,
            encoder=a.encoder if settings.supervised else None,
        )
        size = {"image_size": a.image_size}
        self.d_adc = ConvCritic(**size, **a.critic) if settings.unsupervised else None
        self.d_t2w = ConvCritic(**size, **a.critic) if settings.unsupervised and two else None
        self.d_aae = LatentDiscriminator(a.latent_dim, **a.latent_discriminator) if settings.supervised else None
        self.c_adc = self.c_t2w = None
        if settings.beta > 0:
            self.reference_pools = (NONCS_POOL,)  # the loop will not start without real nonCS images
            self.c_adc = ConvCritic(**size, **a.aux_critic)
            self.c_t2w = ConvCritic(**size, **a.aux_critic) if two else None
        self._optimizers = self._build_optimizers()
        self._iteration = 0

    # ----------------------------------------------------------------------------------- plug-in contract
    def networks(self) -> dict[str, nn.Module]:
        nets = {"synthesizer": self.synthesizer, "D_ADC": self.d_adc, "D_T2w": self.d_t2w, "D_AAE": self.d_aae,
                "C_ADC": self.c_adc, "C_T2w": self.c_t2w}
        return {k: v for k, v in nets.items() if v is not None}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return self._optimizers

    def _build_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        s, nets = self.settings, self.networks()
        # One optimizer for F_enc + F_dec + G: the unsupervised step leaves F_enc's grads at None, so Adam skips it.
        opts = {"synthesizer": s.synthesizer_optimizer.build(self.synthesizer.parameters())}
        critics = [nets[k] for k in ("D_ADC", "D_T2w") if k in nets]
        if critics:
            opts["critics"] = s.critic_optimizer.build(p for m in critics for p in m.parameters())
        aux = [nets[k] for k in ("C_ADC", "C_T2w") if k in nets]
        if aux:
            opts["aux_critics"] = s.aux_optimizer.build(p for m in aux for p in m.parameters())
        if self.d_aae is not None:
            opts["D_AAE"] = s.aae_optimizer.build(self.d_aae.parameters())
        return opts

    def begin_iteration(self, iteration: int, total_iterations: int) -> None:
        self._iteration = iteration

    # ---------------------------------------------------------------------------------------- the step
    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        s = self.settings
        train_mode(self)
        real_adc, real_t2w = split_modalities(batch.images, s.modalities == "adc_t2w")
        metrics: dict[str, torch.Tensor] = {}
        if s.unsupervised:
            metrics.update(self._critic_step(real_adc, real_t2w, batch.references.get(NONCS_POOL), ctx))
        if not s.unsupervised or self._iteration % s.n_critic == 0:
            if s.supervised:
                assert real_t2w is not None
                metrics.update(self._supervised_step(real_adc, real_t2w, ctx))
            if s.unsupervised:
                metrics.update(self._unsupervised_step(real_adc.shape[0], ctx))
        return metrics

    def _fake(self, n: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor | None]:
        z = self.sample_latent(n).to(device)
        fake_adc = self.synthesizer.decoder(z)
        unet = self.synthesizer.unet
        return fake_adc, (unet(fake_adc) if unet is not None else None)

    def _critic_step(
        self, real_adc: torch.Tensor, real_t2w: torch.Tensor | None, noncs: torch.Tensor | None, ctx: StepContext
    ) -> dict[str, torch.Tensor]:
        """D_ADC, D_T2w against real CS (Eqs. 4-5); with β > 0 also C_ADC, C_T2w: ``noncs`` vs synthetic CS."""
        s, out = self.settings, {}
        with torch.no_grad(), ctx.autocast():
            fake_adc, fake_t2w = self._fake(real_adc.shape[0], real_adc.device)
        with ctx.autocast():
            loss, out["W_ADC"], out["GP_ADC"] = eq.wasserstein_critic_loss(
                self.d_adc, ctx.augment(real_adc), ctx.augment(fake_adc), s.lambda_adc
            )
            if self.d_t2w is not None:
                loss_t2w, out["W_T2w"], out["GP_T2w"] = eq.wasserstein_critic_loss(
                    self.d_t2w, ctx.augment(real_t2w), ctx.augment(fake_t2w), s.lambda_t2w
                )
                loss = loss + loss_t2w
        ctx.optimize("critics", loss, self._optimizers["critics"])
        out["loss_D"] = loss.detach()
        if self.c_adc is not None:
            if noncs is None:
                raise ValueError(f"β > 0: the batch lacks the reference pool '{NONCS_POOL}' (real nonCS images)")
            noncs_adc, noncs_t2w = split_modalities(noncs, self.c_t2w is not None)
            with ctx.autocast():
                loss_c_adc = eq.auxiliary_critic_loss(self.c_adc(noncs_adc), self.c_adc(fake_adc))
                loss_aux = loss_c_adc
                out["J_ADC"] = -loss_c_adc.detach()
                if self.c_t2w is not None:
                    loss_c_t2w = eq.auxiliary_critic_loss(self.c_t2w(noncs_t2w), self.c_t2w(fake_t2w))
                    loss_aux = loss_aux + loss_c_t2w
                    out["J_T2w"] = -loss_c_t2w.detach()
            ctx.optimize("aux_critics", loss_aux, self._optimizers["aux_critics"])
            out["loss_aux_critics"] = loss_aux.detach()
        return out

    def _supervised_step(self, real_adc: torch.Tensor, real_t2w: torch.Tensor, ctx: StepContext) -> dict[str, torch.Tensor]:
        s, syn = self.settings, self.synthesizer
        with ctx.autocast():
            codes = syn.encoder(real_adc)
            prior = torch.randn_like(codes)
            loss_aae_d = eq.aae_discriminator_loss(self.d_aae(prior), self.d_aae(codes.detach()))
        ctx.optimize("D_AAE", loss_aae_d, self._optimizers["D_AAE"])
        with ctx.autocast(), frozen(self.d_aae):
            rec_adc = syn.decoder(codes)
            rec_t2w = syn.unet(rec_adc)
            recon = eq.reconstruction_loss(real_adc, rec_adc, real_t2w, rec_t2w)
            aae_enc = eq.aae_encoder_loss(self.d_aae(codes))
            loss_sup = recon + s.aae_weight * aae_enc
        ctx.optimize("synthesizer", s.alpha * loss_sup, self._optimizers["synthesizer"])
        return {"L_rec": recon.detach(), "J_AAE": -loss_aae_d.detach(), "loss_aae_encoder": aae_enc.detach(),
                "L_sup": loss_sup.detach(), "code_mean": codes.detach().mean(), "code_std": codes.detach().std()}

    def _unsupervised_step(self, n: int, ctx: StepContext) -> dict[str, torch.Tensor]:
        s, out = self.settings, {}
        device = next(self.synthesizer.parameters()).device
        with ctx.autocast(), frozen(self.d_adc, self.d_t2w, self.c_adc, self.c_t2w):
            fake_adc, fake_t2w = self._fake(n, device)
            scores_adc = self.d_adc(ctx.augment(fake_adc))
            loss_unsup = eq.wasserstein_generator_loss(scores_adc)
            out["D_G_z"] = scores_adc.detach().mean()
            if self.d_t2w is not None:
                loss_unsup = loss_unsup + eq.wasserstein_generator_loss(self.d_t2w(ctx.augment(fake_t2w)))
            loss = s.alpha * loss_unsup
            if self.c_adc is not None:
                ad = eq.auxiliary_distance_loss(self.c_adc(fake_adc))
                if self.c_t2w is not None:
                    ad = ad + eq.auxiliary_distance_loss(self.c_t2w(fake_t2w))
                loss = loss + s.beta * ad
                out["AD_loss"] = ad.detach()
        ctx.optimize("synthesizer", loss, self._optimizers["synthesizer"])
        out["L_unsup_G"] = loss_unsup.detach()
        out["loss_G"] = loss.detach()
        return out
