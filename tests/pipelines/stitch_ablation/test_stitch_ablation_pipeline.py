"""002's StitchLayer ablation end to end on toy tensors with the conf/test settings."""

from __future__ import annotations

from typing import Any

import pytest
from kedro.io import DataCatalog
from matplotlib.figure import Figure

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.pipelines.stitch_ablation.pipeline import VARIANTS, create_pipeline

# The toy patches, parameters and runner of the mpmri_synthesis pipeline tests (same data contract).
from ..mpmri_synthesis import conftest as toy

test_parameters = toy.test_parameters


@pytest.fixture(scope="module")
def outputs(test_parameters: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> DataCatalog:
    return toy.run_study(create_pipeline(), test_parameters, tmp_path_factory.mktemp("weights"))


def test_variants_are_the_five_of_table_i(test_parameters: dict[str, Any]) -> None:
    variants = test_parameters["stitch_ablation"]["variants"]
    assert list(variants) == list(VARIANTS)
    assert [v["architecture"]["decoder"]["blocks"] for v in variants.values()] == [1, 2, 4, 8, 16]
    assert all(v["settings"]["supervised"] is False and v["settings"]["modalities"] == "adc" for v in variants.values())


def test_each_variant_is_an_adc_only_stitch_decoder(outputs: DataCatalog) -> None:
    for variant, blocks in zip(VARIANTS, (1, 2, 4, 8, 16), strict=True):
        generator = load_generator(outputs.load(f"stitch_ablation.{variant}.generator"))
        assert generator.decoder.blocks == blocks and generator.decoder.sub_size == 64 // blocks
        assert generator.unet is None and generator.encoder is None
        assert generator.generate(2).shape == (2, 1, 64, 64)
        assert outputs.load(f"stitch_ablation.{variant}.synthetic_images")["channels"] == ["ADC"]


def test_table_i_scores_every_variant_by_sca(outputs: DataCatalog) -> None:
    table = outputs.load("stitch_ablation.table_i")
    assert list(table["variant"]) == list(VARIANTS)
    assert (table["status"] == "computed").all() and (table["sets"] == 2).all()
    assert table["SCA_mean"].between(0, 1).all()
    assert list(table["F"] * table["a"]) == [64] * 5
    assert table["shared_fraction"].between(0, 1).all()
    markdown = outputs.load("stitch_ablation.table_i_markdown")
    assert markdown.startswith("### 002 Table I") and "StitchLayer-16F4a" in markdown and "Real data" in markdown


def test_fig9_uses_one_row_per_variant(outputs: DataCatalog) -> None:
    figure = outputs.load("stitch_ablation.fig9_variants")
    assert isinstance(figure, Figure) and len(figure.axes) == 5 * 3
