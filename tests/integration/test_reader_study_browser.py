"""The Visual Turing Test app end to end in headless Chromium (Playwright driving the system browser)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from werkzeug.serving import make_server

from medsynth_pipeline.reader_study.app import create_app
from medsynth_pipeline.reader_study.store import load_answers
from medsynth_pipeline.reader_study.study import select_study_items

pytestmark = pytest.mark.integration
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PANEL_PX = 96


def _patches(n: int, seed: int, lesion_value: float) -> tuple[torch.Tensor, np.ndarray]:
    gen = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 2, 16, 16, generator=gen) * 0.4
    is_lesion = np.arange(n) % 2 == 0
    images[torch.as_tensor(is_lesion), :, 5:11, 5:11] = lesion_value
    return images, is_lesion


@pytest.fixture
def served_study(tmp_path: Path):
    images, key = select_study_items(*_patches(6, 1, 0.9), *_patches(6, 2, 1.0), n_per_group=2, seed=5)
    app = create_app(images, key, tmp_path / "answers.sqlite", channels=[0, 1], panel_px=PANEL_PX)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", key, tmp_path / "answers.sqlite"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_reader_completes_a_blinded_study(served_study, chromium: str, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    base_url, key, db = served_study
    requested: list[str] = []
    clicked: list[tuple[str, str]] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.on("request", lambda request: requested.append(request.url))
            page.goto(base_url + "/")
            page.fill("#reader", "Dr Test")
            page.click("button[type=submit]")
            sources = []
            for number in range(1, len(key) + 1):
                page.wait_for_selector(f"text=Image {number} of {len(key)}")
                image = page.locator("img.study")
                image.wait_for()
                size = page.evaluate("() => { const i = document.querySelector('img.study');"
                                     " return [i.complete, i.naturalWidth, i.naturalHeight]; }")
                assert size == [True, 2 * PANEL_PX, PANEL_PX]  # decoded, both channels side by side
                sources.append(image.get_attribute("src"))
                # "synthetic" only in the question, the radio value and its label: no hidden hint
                assert page.content().lower().count("synthetic") == 3
                origin, lesion = ("real", "lesion") if number % 3 else ("synthetic", "no_lesion")
                page.check(f"input[name=origin][value={origin}]")
                page.check(f"input[name=lesion][value={lesion}]")
                clicked.append((origin, lesion))
                if number == 1:
                    page.screenshot(path=str(tmp_path / "reader_study.png"))
                page.click("button[type=submit]")
            page.wait_for_selector("text=all 8 images are answered")
        finally:
            browser.close()

    # blinding: image URLs are opaque, unique tokens; no URL names an item, an origin or a file
    image_urls = [u for u in requested if "/image/" in u]
    assert len(set(sources)) == len(key) and len(image_urls) >= len(key)
    assert all(re.fullmatch(r"/image/[A-Za-z0-9_-]{24}", src) for src in sources), sources
    assert not [u for u in requested if re.search(r"real|synthetic|lesion|\.pt|\.png|item", u.split("?")[0], re.I)]

    answers, _ = load_answers(db)
    assert answers["reader"].unique().tolist() == ["Dr Test"]
    assert answers["position"].tolist() == list(range(len(key)))
    expected_real = [origin == "real" for origin, _ in clicked]
    assert answers["answered_real"].tolist() == expected_real
    assert answers["answered_lesion"].tolist() == [lesion == "lesion" for _, lesion in clicked]
    assert (tmp_path / "reader_study.png").stat().st_size > 0
