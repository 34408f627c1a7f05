"""Seed 003 reproduced on its own data: the DCGAN 64×64 on a Kaggle-style folder of brain MR images.

The prostate T2w variant of the same preset is ``gan_training.dcgan64`` in the main job. This stage reads
``yes/`` (tumour) and ``no/`` images through the ingest's image-folder loader, trains the DCGAN on the tumorous
ones (003), and draws Fig. 2 (losses at the epoch milestones) and Fig. 3 (real beside fake). Run it::

    kedro run --pipelines=dcgan_brain --params=dcgan_brain.data.root=/data/brain_tumor_dataset
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.imaging.brain_slices import brain_slices
from medsynth_pipeline.pipelines.dcgan_brain.nodes import (
    plot_loss_milestones,
    plot_real_and_fake,
    select_tumour_images,
    train_dcgan,
)


def create_pipeline(**kwargs: Any) -> Pipeline:
    return Pipeline(
        [
            Node(brain_slices, "params:data", ["images", "image_metadata"], name="brain_images"),
            Node(select_tumour_images, ["images", "image_metadata", "params:model"], "training_images",
                 name="select_tumour_images"),
            Node(train_dcgan, ["training_images", "params:model"],
                 ["generator", "discriminator", "training_history", "training_summary"], name="train_dcgan"),
            Node(plot_loss_milestones, ["training_history", "params:model"], "fig2_loss_milestones",
                 name="plot_loss_milestones"),
            Node(plot_real_and_fake, ["generator", "training_images", "params:figures"], "fig3_real_and_fake",
                 name="plot_real_and_fake"),
        ],
        namespace="dcgan_brain",
        parameters={"params:data": "params:dcgan_brain.data", "params:model": "params:dcgan_brain.model",
                    "params:figures": "params:dcgan_brain.figures"},
    )
