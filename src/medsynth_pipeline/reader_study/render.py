"""PNG rendering of study images that carries nothing but pixels.

Every image goes through the same path (same channels, size, bit depth, encoder settings), and the PNG
holds only the critical chunks (IHDR, IDAT, IEND): no text, time, gamma or physical-size chunk that could
differ between real and synthetic sources.
"""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image

CRITICAL_CHUNKS = ("IHDR", "IDAT", "IEND")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def image_to_png(image: np.ndarray, channels: list[int], panel_px: int) -> bytes:
    """Renders ``image`` ``[C, H, W]`` in [0, 1] as one 8-bit grey PNG.

    The ``channels`` are shown side by side, each scaled to ``panel_px`` × ``panel_px`` (bicubic), so a
    16 × 16 mm patch becomes large enough to read.
    """
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 3:
        raise ValueError(f"expected an image [C, H, W], got shape {image.shape}")
    if not channels or any(c < 0 or c >= image.shape[0] for c in channels):
        raise ValueError(f"channels {channels} out of range for an image with {image.shape[0]} channels")
    panels = []
    for channel in channels:
        grey = np.round(np.clip(image[channel], 0.0, 1.0) * 255.0).astype(np.uint8)
        panel = Image.fromarray(grey, mode="L").resize((panel_px, panel_px), Image.Resampling.BICUBIC)
        panels.append(np.asarray(panel))
    montage = Image.fromarray(np.concatenate(panels, axis=1), mode="L")
    buffer = io.BytesIO()
    montage.save(buffer, format="PNG", optimize=False, compress_level=6)
    return strip_png_metadata(buffer.getvalue())


def png_chunks(data: bytes) -> list[tuple[str, bytes]]:
    """The chunks of a PNG as ``(type, payload)`` pairs, in file order."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG: bad signature")
    chunks, offset = [], len(_PNG_SIGNATURE)
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        chunks.append((kind.decode("ascii"), data[offset + 8 : offset + 8 + length]))
        offset += 12 + length
    return chunks


def strip_png_metadata(data: bytes) -> bytes:
    """Drops every ancillary chunk (tEXt, tIME, pHYs, gAMA, …) and keeps IHDR, IDAT and IEND."""
    out, offset = bytearray(_PNG_SIGNATURE), len(_PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        end = offset + 12 + length
        if data[offset + 4 : offset + 8].decode("ascii") in CRITICAL_CHUNKS:
            out += data[offset:end]
        offset = end
    return bytes(out)
