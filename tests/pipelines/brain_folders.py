"""A tiny Kaggle-style brain MR folder (``yes/`` tumour, ``no/`` none) for the brain-data stages' tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def write_kaggle(root: Path) -> Path:
    """8 tumour images (a bright square) and 8 without, 30×26 px, plus a file that is not an image."""
    rng = np.random.default_rng(1)
    for name, tumour in (("yes", True), ("no", False)):
        (root / name).mkdir(parents=True)
        for k in range(8):
            pixels = rng.integers(40, 90, size=(30, 26)).astype(np.uint8)
            if tumour:
                pixels[10:18, 8:16] = 240
            Image.fromarray(pixels).save(root / name / f"{name}_{k}.png")
    (root / "yes" / "readme.txt").write_text("not an image")
    return root
