"""The two systems 002 compares against (Table II, Sec. IV), on the same loop and the same data.

- :class:`SupervisedPairSystem` — Costa et al. [12]: the synthesizer sees only encodings of real pairs
  (Fig. 2: Eq. 1 + the AAE prior of Eq. 2) plus, as 002 Sec. IV-A adds to reduce blur, a discriminator that
  tells real ADC–T2w pairs from reconstructed ones.
- :class:`CoganSystem` — Liu & Tuzel [16]: two GANs (ADC, T2w) coupled by shared generator and
  discriminator layers, trained on the unpaired marginals from random latents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from medsynth_pipeline.models.mpmri import (
    CoganSynthesizer,
    ConvCritic,
    CoupledDiscriminator,
    LatentDiscriminator,
    MpmriSynthesizer,
)
from medsynth_pipeline.training import mpmri_losses as eq
from medsynth_pipeline.training.adversarial import AdamSettings
from medsynth_pipeline.training.losses import NonSaturatingLoss
from medsynth_pipeline.training.mpmri_system import (
    MpmriArchitecture,
    SynthesizerSampling,
    adam_settings,
    frozen,
    split_modalities,
    train_mode,
)
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext

_BCE = NonSaturatingLoss()


def _pix2pix_adam() -> AdamSettings:
    return adam_settings({"lr": 2e-4, "beta1": 0.5, "beta2": 0.999})


@dataclass
class SupervisedPairSettings:
    """Weights of the supervised baseline: L_rec + aae_weight·J_AAE + pair_weight·(pair adversarial loss).

    ``pair_weight`` 0.01 keeps pix2pix's balance (adversarial 1 : reconstruction 100).
    """

    aae_weight: float = 1.0
    pair_weight: float = 0.01
    synthesizer_optimizer: AdamSettings = field(default_factory=_pix2pix_adam)
    discriminator_optimizer: AdamSettings = field(default_factory=_pix2pix_adam)

    def __post_init__(self) -> None:
        for name in ("synthesizer_optimizer", "discriminator_optimizer"):
            setattr(self, name, adam_settings(getattr(self, name)))


class SupervisedPairSystem(SynthesizerSampling, GenerativeSystem):
    """Costa-style supervised-only synthesizer: F_enc → F_dec → G on real CS pairs, D_AAE and a pair D."""

    def __init__(self, architecture: MpmriArchitecture, settings: SupervisedPairSettings) -> None:
        a, self.settings = architecture, settings
        self.synthesizer = MpmriSynthesizer(a.latent_dim, a.image_size, decoder=a.decoder, unet=a.unet, encoder=a.encoder)
        self.d_aae = LatentDiscriminator(a.latent_dim, **a.latent_discriminator)
        self.d_pair = ConvCritic(in_channels=2, image_size=a.image_size, **a.pair_discriminator)
        self._optimizers = {
            "synthesizer": settings.synthesizer_optimizer.build(self.synthesizer.parameters()),
            "D_AAE": settings.discriminator_optimizer.build(self.d_aae.parameters()),
            "D_pair": settings.discriminator_optimizer.build(self.d_pair.parameters()),
        }

    def networks(self) -> dict[str, nn.Module]:
        return {"synthesizer": self.synthesizer, "D_AAE": self.d_aae, "D_pair": self.d_pair}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return self._optimizers

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        train_mode(self)
        real_adc, real_t2w = split_modalities(batch.images, need_t2w=True)
        assert real_t2w is not None
        real_pair = torch.cat([real_adc, real_t2w], dim=1)
        syn, s = self.synthesizer, self.settings
        with ctx.autocast():
            codes = syn.encoder(real_adc)
            loss_aae_d = eq.aae_discriminator_loss(self.d_aae(torch.randn_like(codes)), self.d_aae(codes.detach()))
        ctx.optimize("D_AAE", loss_aae_d, self._optimizers["D_AAE"])
        with ctx.autocast():
            rec_adc = syn.decoder(codes)
            rec_pair = torch.cat([rec_adc, syn.unet(rec_adc)], dim=1)
            real_logits = self.d_pair(ctx.augment(real_pair))
            fake_logits = self.d_pair(ctx.augment(rec_pair.detach()))
            loss_pair_d = _BCE.discriminator(real_logits, fake_logits)
        ctx.optimize("D_pair", loss_pair_d, self._optimizers["D_pair"])
        with ctx.autocast(), frozen(self.d_aae, self.d_pair):
            recon = eq.reconstruction_loss(real_adc, rec_pair[:, :1], real_t2w, rec_pair[:, 1:])
            aae_enc = eq.aae_encoder_loss(self.d_aae(codes))
            adv = _BCE.generator(self.d_pair(ctx.augment(rec_pair)))
            loss = recon + s.aae_weight * aae_enc + s.pair_weight * adv
        ctx.optimize("synthesizer", loss, self._optimizers["synthesizer"])
        return {"L_rec": recon.detach(), "J_AAE": -loss_aae_d.detach(), "loss_aae_encoder": aae_enc.detach(),
                "loss_D": loss_pair_d.detach(), "loss_G": loss.detach(),
                "D_x": torch.sigmoid(real_logits.detach()).mean(), "D_G_z": torch.sigmoid(fake_logits.detach()).mean()}


@dataclass
class CoganSettings:
    """CoGAN's training: cross-entropy GAN losses, Adam 2e-4 (β 0.5, 0.999) as Liu & Tuzel."""

    generator_optimizer: AdamSettings = field(default_factory=_pix2pix_adam)
    discriminator_optimizer: AdamSettings = field(default_factory=_pix2pix_adam)

    def __post_init__(self) -> None:
        for name in ("generator_optimizer", "discriminator_optimizer"):
            setattr(self, name, adam_settings(getattr(self, name)))


class CoganSystem(SynthesizerSampling, GenerativeSystem):
    """Coupled GANs: one z → (ADC, T2w) by generators sharing their first layers; the discriminators share
    their last layers. Real ADC and T2w are shown unpaired (the T2w of the batch is shuffled)."""

    def __init__(self, architecture: MpmriArchitecture, settings: CoganSettings) -> None:
        a = architecture
        self.synthesizer = CoganSynthesizer(a.latent_dim, a.image_size, generator=a.cogan_generator)
        self.discriminator = CoupledDiscriminator(image_size=a.image_size, **a.cogan_discriminator)
        self._optimizers = {
            "G": settings.generator_optimizer.build(self.synthesizer.parameters()),
            "D": settings.discriminator_optimizer.build(self.discriminator.parameters()),
        }

    def networks(self) -> dict[str, nn.Module]:
        return {"synthesizer": self.synthesizer, "D": self.discriminator}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return self._optimizers

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        train_mode(self)
        real_adc, real_t2w = split_modalities(batch.images, need_t2w=True)
        assert real_t2w is not None
        real_t2w = real_t2w[torch.randperm(real_t2w.shape[0], device=real_t2w.device)]
        n, disc = real_adc.shape[0], self.discriminator
        with torch.no_grad(), ctx.autocast():
            fake = self.synthesizer(self.sample_latent(n))
        with ctx.autocast():
            r_adc, r_t2w = disc(ctx.augment(real_adc), ctx.augment(real_t2w))
            f_adc, f_t2w = disc(ctx.augment(fake[:, :1]), ctx.augment(fake[:, 1:]))
            loss_d = _BCE.discriminator(r_adc, f_adc) + _BCE.discriminator(r_t2w, f_t2w)
        ctx.optimize("D", loss_d, self._optimizers["D"])
        with ctx.autocast(), frozen(disc):
            fake = self.synthesizer(self.sample_latent(n))
            g_adc, g_t2w = disc(ctx.augment(fake[:, :1]), ctx.augment(fake[:, 1:]))
            loss_g = _BCE.generator(g_adc) + _BCE.generator(g_t2w)
        ctx.optimize("G", loss_g, self._optimizers["G"])
        return {"loss_D": loss_d.detach(), "loss_G": loss_g.detach(),
                "D_x": torch.sigmoid(r_adc.detach()).mean(), "D_G_z": torch.sigmoid(f_adc.detach()).mean()}


def describe(system: GenerativeSystem) -> dict[str, Any]:
    """Parameter counts per network (for the report's model table)."""
    return {name: sum(p.numel() for p in m.parameters()) for name, m in system.networks().items()}
