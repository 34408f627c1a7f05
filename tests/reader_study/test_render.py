from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from medsynth_pipeline.reader_study.render import image_to_png, png_chunks, strip_png_metadata


def test_png_has_only_critical_chunks_and_fixed_size() -> None:
    rng = np.random.default_rng(0)
    a = image_to_png(rng.random((3, 16, 16)), channels=[0, 2], panel_px=64)
    b = image_to_png(rng.random((3, 16, 16)) * 0.1, channels=[0, 2], panel_px=64)
    for data in (a, b):
        assert [kind for kind, _ in png_chunks(data)][0] == "IHDR"
        assert {kind for kind, _ in png_chunks(data)} == {"IHDR", "IDAT", "IEND"}
        with Image.open(io.BytesIO(data)) as img:
            assert img.size == (128, 64) and img.mode == "L"
    assert png_chunks(a)[0] == png_chunks(b)[0]  # identical header: same size, depth, colour type


def test_pixels_follow_intensities() -> None:
    image = np.zeros((1, 4, 4))
    image[0, :, 2:] = 1.0
    with Image.open(io.BytesIO(image_to_png(image, channels=[0], panel_px=4))) as img:
        pixels = np.asarray(img)
    assert pixels[:, :2].max() == 0 and pixels[:, 2:].min() == 255


def test_strip_removes_text_and_time_chunks() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Source", "synthetic-model-x")
    buffer = io.BytesIO()
    Image.new("L", (4, 4)).save(buffer, format="PNG", pnginfo=info, dpi=(72, 72))
    raw = buffer.getvalue()
    assert b"synthetic-model-x" in raw
    stripped = strip_png_metadata(raw)
    assert b"synthetic" not in stripped
    assert [kind for kind, _ in png_chunks(stripped)] == ["IHDR", "IDAT", "IEND"]
    with Image.open(io.BytesIO(stripped)) as img:
        assert img.size == (4, 4)


def test_channel_out_of_range() -> None:
    with pytest.raises(ValueError, match="out of range"):
        image_to_png(np.zeros((1, 4, 4)), channels=[1], panel_px=4)
