"""The one GAN training loop and its plug-ins: systems, losses, DiffAugment, checkpoints, tracking. No Kedro imports."""
