"""Names every stage of the main job agrees on: its models and their patch presets, and the report's row labels.

Pipelines never import one another (a test enforces it); what they must share lives here.
"""

from __future__ import annotations

# model -> patch preset (patches.<preset>.patches / .patch_metadata)
MODELS: dict[str, str] = {
    "prostategan": "prostategan_32",  # seed 000
    "kitchen_seah": "kitchen_seah_16mm",  # seed 001
    "dcgan64": "mpmri_64",  # seed 003
    "mpmri_semi": "mpmri_64",  # seed 002: semi-supervised ADC -> T2w synthesizer, full Eq. 10 (non-CS pool)
    "ddpm": "prostategan_32",  # class-conditional DDPM (MONAI) on ProstateGAN's patches and classes
}

HELD_OUT = "real held-out"  # the held-out real images scored like one more synthetic set
REAL_DATA = "real data"  # the real-only condition / row of every study table
