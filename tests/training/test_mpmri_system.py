"""002's synthesizer on the shared loop: its steps lower their losses, the AAE shapes the codes, resume works."""

from __future__ import annotations

import copy

import pytest
import torch

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.mpmri_factory import system_factory
from medsynth_pipeline.training.mpmri_system import NONCS_POOL, SemiSupervisedSettings
from medsynth_pipeline.training.system import Batch, StepContext

SIZE, LATENT = 16, 8
TINY = {
    "latent_dim": LATENT,
    "image_size": SIZE,
    "decoder": {"blocks": 2, "channels": [16, 8, 8]},
    "encoder": {"channels": [8, 16]},
    "unet": {"channels": [8, 16], "strides": [2]},
    "critic": {"channels": [8, 16], "norm": "layer"},
    "aux_critic": {"channels": [8, 16], "norm": "batch"},
    "latent_discriminator": {"hidden": [32]},
    "pair_discriminator": {"channels": [8, 16], "norm": "batch"},
    "cogan_generator": {"channels": [16, 8, 8], "private_stages": 1},
    "cogan_discriminator": {"channels": [8, 16], "private_layers": 1},
}


def toy_pairs(n: int, seed: int, dark_spot: bool = True) -> torch.Tensor:
    """[n, 2, S, S] in [-1, 1]: a bright disc (the "gland") whose T2w is a fixed function of the ADC."""
    gen = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.arange(SIZE), torch.arange(SIZE), indexing="ij")
    centres = torch.randint(5, SIZE - 5, (n, 2), generator=gen)
    r2 = (yy[None] - centres[:, 0, None, None]) ** 2 + (xx[None] - centres[:, 1, None, None]) ** 2
    adc = (r2 < 16).float() * 0.8
    if dark_spot:  # the "lesion": a darker core
        adc = adc - (r2 < 3).float() * 0.5
    t2w = 1.0 - 0.7 * adc
    return torch.stack([adc, t2w], dim=1) * 2.0 - 1.0


def ctx() -> StepContext:
    return StepContext(device=torch.device("cpu"), amp_dtype=None, scalers={}, augment=None)


def build(kind: str = "semi_supervised", **settings: object):
    return system_factory(kind, TINY, settings)()


def with_noncs(cs: torch.Tensor) -> TrainingData:
    """Real CS pairs and the real nonCS reference pool of C_ADC / C_T2w."""
    return TrainingData(cs, references={NONCS_POOL: toy_pairs(10, 9, dark_spot=False)})


def test_one_supervised_step_lowers_its_loss() -> None:
    torch.manual_seed(0)
    system = build(unsupervised=False, beta=0.0, synthesizer_optimizer={"lr": 1e-3})
    pairs = toy_pairs(8, seed=1)
    adc, t2w = pairs[:, :1], pairs[:, 1:]
    d_aae = copy.deepcopy(system.d_aae.state_dict())
    before = system._supervised_step(adc, t2w, ctx())
    system.d_aae.load_state_dict(d_aae)  # judge the synthesizer's update against the same D_AAE
    after = system._supervised_step(adc, t2w, ctx())
    assert after["L_rec"] < before["L_rec"]
    assert after["L_sup"] < before["L_sup"]


def test_one_unsupervised_step_lowers_the_synthesizer_loss() -> None:
    system = build(supervised=False, beta=0.5, synthesizer_optimizer={"lr": 1e-3})
    torch.manual_seed(3)
    before = system._unsupervised_step(8, ctx())
    torch.manual_seed(3)  # the same latents; the critics did not move in between
    after = system._unsupervised_step(8, ctx())
    assert after["loss_G"] < before["loss_G"]


def test_one_critic_step_lowers_the_critic_losses() -> None:
    system = build(supervised=False, beta=0.5, critic_optimizer={"lr": 1e-3}, aux_optimizer={"lr": 1e-3})
    pairs, noncs = toy_pairs(8, seed=2), toy_pairs(8, seed=5, dark_spot=False)
    torch.manual_seed(4)
    before = system._critic_step(pairs[:, :1], pairs[:, 1:], noncs, ctx())
    torch.manual_seed(4)
    after = system._critic_step(pairs[:, :1], pairs[:, 1:], noncs, ctx())
    assert after["loss_D"] < before["loss_D"]
    assert after["loss_aux_critics"] < before["loss_aux_critics"]


def _moment_distance_to_prior(codes: torch.Tensor) -> float:
    """How far the codes' per-dimension mean and standard deviation are from N(0, I)'s 0 and 1."""
    return float((codes.mean(0) ** 2).sum() + ((codes.std(0) - 1.0) ** 2).sum())


def test_aae_moves_the_codes_towards_the_prior() -> None:
    # varied "ADC maps" (random textures): many degrees of freedom, so the codes can fill the prior
    gen = torch.Generator().manual_seed(7)
    adc = torch.nn.functional.avg_pool2d(torch.rand(64, 1, SIZE, SIZE, generator=gen), 3, 1, 1) * 2 - 1
    pairs = torch.cat([adc, -adc], dim=1)
    # D_AAE must learn faster than the encoder moves (at equal rates the codes drift off the prior)
    settings = {"unsupervised": False, "beta": 0.0, "aae_weight": 1.0,
                "synthesizer_optimizer": {"lr": 5e-4}, "aae_optimizer": {"lr": 5e-3}}
    factory = system_factory("semi_supervised", {**TINY, "latent_discriminator": {"hidden": [64, 64]}}, settings)
    config = TrainerConfig(iterations=100, batch_size=32, seed=0, device="cpu", log_every=50)

    def distance(system) -> float:
        system.synthesizer.eval()
        with torch.no_grad():
            return _moment_distance_to_prior(system.synthesizer.encode(pairs[:, :1]))

    torch.manual_seed(0)
    before = distance(factory())
    after = distance(Trainer(factory, TrainingData(pairs), config).fit().system)
    assert after < 0.25 * before


def test_resume_continues_to_the_uninterrupted_result(tmp_path) -> None:
    pairs = toy_pairs(12, seed=3)
    factory = system_factory("semi_supervised", TINY, {"n_critic": 2, "beta": 0.5})

    def run(iterations: int, folder: str) -> dict[str, torch.Tensor]:
        config = TrainerConfig(iterations=iterations, batch_size=4, seed=1, device="cpu",
                               checkpoint_dir=str(tmp_path / folder), log_every=1)
        system = Trainer(factory, with_noncs(pairs), config).fit().system
        return {**system.synthesizer.state_dict(), **{f"C_ADC.{k}": v for k, v in system.c_adc.state_dict().items()}}

    straight = run(5, "straight")
    run(3, "resumed")
    resumed = run(5, "resumed")  # the nonCS draws of iterations 4-5 are the same: C_ADC ends identical too
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)


@pytest.mark.parametrize(
    ("kind", "settings", "channels", "networks"),
    [
        ("semi_supervised", {"beta": 1.0}, 2, {"synthesizer", "D_ADC", "D_T2w", "D_AAE", "C_ADC", "C_T2w"}),
        ("semi_supervised", {"beta": 0.0}, 2, {"synthesizer", "D_ADC", "D_T2w", "D_AAE"}),
        ("semi_supervised", {"supervised": False, "modalities": "adc", "beta": 0.0}, 1, {"synthesizer", "D_ADC"}),
        ("supervised_pair", {}, 2, {"synthesizer", "D_AAE", "D_pair"}),
        ("cogan", {}, 2, {"synthesizer", "D"}),
    ],
)
def test_every_system_trains_and_exports_a_loadable_generator(kind, settings, channels, networks) -> None:
    factory = system_factory(kind, TINY, settings)
    config = TrainerConfig(iterations=3, batch_size=4, seed=0, device="cpu", log_every=1)
    result = Trainer(factory, with_noncs(toy_pairs(8, seed=1)), config).fit()
    assert set(result.system.networks()) == networks
    assert all(torch.isfinite(torch.tensor(list(row.values()))).all() for row in result.history)
    artifact = result.system.export_generator()
    assert artifact["channels"] == ["ADC", "T2W"][:channels]
    images = load_generator(artifact).generate(5, generator=torch.Generator().manual_seed(0))
    assert images.shape == (5, channels, SIZE, SIZE)
    assert images.min() >= -1.0 and images.max() <= 1.0


def test_baseline_steps_lower_the_reconstruction_and_generator_losses() -> None:
    torch.manual_seed(0)
    costa = build("supervised_pair", synthesizer_optimizer={"lr": 1e-3})
    batch = Batch(images=toy_pairs(8, seed=1))
    first, second = costa.train_step(batch, ctx()), costa.train_step(batch, ctx())
    assert second["L_rec"] < first["L_rec"]
    cogan = build("cogan")
    torch.manual_seed(2)
    step = cogan.train_step(Batch(images=toy_pairs(8, seed=1)), ctx())
    assert set(step) == {"loss_D", "loss_G", "D_x", "D_G_z"}


def test_settings_reject_inconsistent_combinations() -> None:
    with pytest.raises(ValueError, match="needs ADC-T2w pairs"):
        SemiSupervisedSettings(supervised=True, modalities="adc")
    with pytest.raises(ValueError, match="unsupervised step"):
        SemiSupervisedSettings(unsupervised=False, beta=1.0)
    needs_noncs = system_factory("semi_supervised", TINY, {"beta": 1.0})
    assert needs_noncs().reference_pools == (NONCS_POOL,)
    assert system_factory("semi_supervised", TINY, {"beta": 0.0})().reference_pools == ()
    with pytest.raises(ValueError, match=NONCS_POOL):
        config = TrainerConfig(iterations=1, batch_size=4, device="cpu")
        Trainer(needs_noncs, TrainingData(toy_pairs(8, seed=1)), config).fit()
    with pytest.raises(ValueError, match="unknown mpMRI system kind"):
        system_factory("pix2pix", TINY)
    with pytest.raises(ValueError, match="invalid settings"):
        system_factory("cogan", TINY, {"alpha": 1.0})


def test_gan_training_plug_in_builds_the_synthesizer_and_refuses_what_it_cannot_do() -> None:
    from medsynth_pipeline.training.registry import build_system

    spec = {"factory": "medsynth_pipeline.training.mpmri_factory:gan_training_system",
            "kind": "semi_supervised", "architecture": TINY, "settings": {"n_critic": 1}}
    system = build_system(spec, channels=2, image_size=SIZE, num_classes=0)
    assert {"synthesizer", "D_ADC", "D_T2w", "D_AAE", "C_ADC", "C_T2w"} == set(system.networks())  # β = 1
    assert system.reference_pools == (NONCS_POOL,)
    no_ad = build_system({**spec, "settings": {"beta": 0.0}}, channels=2, image_size=SIZE, num_classes=0)
    assert "C_ADC" not in no_ad.networks() and no_ad.reference_pools == ()
    with pytest.raises(ValueError, match="needs 2 channel"):
        build_system(spec, channels=3, image_size=SIZE, num_classes=0)
    with pytest.raises(ValueError, match="unconditional"):
        build_system(spec, channels=2, image_size=SIZE, num_classes=2)
