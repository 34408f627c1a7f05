"""Networks of 002's semi-supervised mp-MRI synthesizer (ADC from a 128-d code, then ADC → T2w) and its baselines.

- :class:`Encoder` F_enc, :class:`StitchDecoder` F_dec with the :class:`StitchLayer` (Eq. 7),
  :class:`AdcToT2wUNet` G;
- :class:`ConvCritic` for D_ADC / D_T2w (WGAN-GP, Eqs. 4–5), C_ADC / C_T2w (JSD, Eqs. 8–9) and the
  Costa-style pair discriminator; :class:`LatentDiscriminator` D_AAE (Eq. 2);
- :class:`CoupledGenerator` / :class:`CoupledDiscriminator`: the CoGAN baseline;
- :class:`MpmriSynthesizer` / :class:`CoganSynthesizer`: exportable generators (``models.latent``).
"""

from medsynth_pipeline.models.mpmri.cogan import CoupledDiscriminator, CoupledGenerator
from medsynth_pipeline.models.mpmri.critics import ConvCritic, LatentDiscriminator
from medsynth_pipeline.models.mpmri.decoder import StitchDecoder, UpsamplingTrunk
from medsynth_pipeline.models.mpmri.encoder import Encoder
from medsynth_pipeline.models.mpmri.stitch import StitchLayer, stitch, unstitch
from medsynth_pipeline.models.mpmri.synthesizer import CoganSynthesizer, MpmriSynthesizer
from medsynth_pipeline.models.mpmri.unet import AdcToT2wUNet

__all__ = [
    "AdcToT2wUNet",
    "CoganSynthesizer",
    "ConvCritic",
    "CoupledDiscriminator",
    "CoupledGenerator",
    "Encoder",
    "LatentDiscriminator",
    "MpmriSynthesizer",
    "StitchDecoder",
    "StitchLayer",
    "UpsamplingTrunk",
    "stitch",
    "unstitch",
]
