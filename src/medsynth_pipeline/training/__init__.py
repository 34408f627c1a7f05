"""The one GAN training loop and its plug-ins: systems, losses, DiffAugment, checkpoints, tracking. No Kedro imports.

Start at :mod:`medsynth_pipeline.training.trainer` (the loop and the plug-in interface).
"""

from medsynth_pipeline.training.data import TrainingData, iterations_for_epochs
from medsynth_pipeline.training.diffaugment import DiffAugment
from medsynth_pipeline.training.distributed import DistributedSettings
from medsynth_pipeline.training.losses import AdversarialLoss, build_loss, gradient_penalty
from medsynth_pipeline.training.runtime import DistributedInfo, seed_everything, select_device
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext
from medsynth_pipeline.training.trainer import Trainer, TrainerConfig, TrainingResult

__all__ = [
    "AdversarialLoss",
    "Batch",
    "DiffAugment",
    "DistributedInfo",
    "DistributedSettings",
    "GenerativeSystem",
    "StepContext",
    "Trainer",
    "TrainerConfig",
    "TrainingData",
    "TrainingResult",
    "build_loss",
    "gradient_penalty",
    "iterations_for_epochs",
    "seed_everything",
    "select_device",
]
