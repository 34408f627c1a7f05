"""The Visual Turing Test web app (Flask): blinded images in, answers to SQLite out.

A reader enters a name, then sees the study images one at a time in an order of their own and answers
two questions per image, as in seed 004: real or synthetic, lesion or no lesion. URLs hold only random
tokens; pages are identical for real and synthetic images apart from those tokens and the pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch
from flask import Flask, Response, abort, redirect, render_template, request, url_for

from medsynth_pipeline.reader_study.render import image_to_png
from medsynth_pipeline.reader_study.store import AnswerStore
from medsynth_pipeline.reader_study.study import study_fingerprint, validate_key

_CHOICES = {"origin": {"real": True, "synthetic": False}, "lesion": {"lesion": True, "no_lesion": False}}


def create_app(
    images: torch.Tensor,
    key: pd.DataFrame,
    answers_db: str | Path,
    channels: list[int],
    panel_px: int,
    title: str = "Visual Turing Test",
) -> Flask:
    """A Flask app serving the study ``images`` (described by ``key``) and writing to ``answers_db``."""
    validate_key(key, images.shape[0])
    store = AnswerStore(answers_db, study_fingerprint(images, key), n_items=images.shape[0])
    pixels = images.detach().cpu().to(torch.float32).numpy()
    # Rendered once: every request for an item gets byte-identical data.
    pngs = {int(i): image_to_png(pixels[int(i)], channels, panel_px) for i in key["item_id"]}

    app = Flask(__name__)
    app.config["READER_STUDY_STORE"] = store

    @app.after_request
    def _no_cache(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/")
    def start() -> str:
        return render_template("start.html", title=title, error=None)

    @app.post("/")
    def register() -> Response | tuple[str, int]:
        try:
            token = store.reader_token(request.form.get("reader", ""))
        except ValueError as exc:
            return render_template("start.html", title=title, error=str(exc)), 400
        return redirect(url_for("question", reader_token=token), code=303)

    @app.get("/r/<reader_token>")
    def question(reader_token: str) -> str:
        try:
            current = store.next_item(reader_token)
        except KeyError:
            abort(404)
        if current is None:
            return render_template("done.html", title=title, total=store.n_items)
        image_token, answered, total = current
        return render_template(
            "item.html", title=title, reader_token=reader_token, image_token=image_token,
            number=answered + 1, total=total, error=None,
        )

    @app.post("/r/<reader_token>")
    def answer(reader_token: str) -> Response | tuple[str, int]:
        form = request.form
        origin, lesion = form.get("origin"), form.get("lesion")
        if origin not in _CHOICES["origin"] or lesion not in _CHOICES["lesion"]:
            try:
                current = store.next_item(reader_token)
            except KeyError:
                abort(404)
            if current is None:  # already finished: nothing left to answer
                return redirect(url_for("question", reader_token=reader_token), code=303)
            image_token, answered, total = current
            page = render_template(
                "item.html", title=title, reader_token=reader_token, image_token=image_token,
                number=answered + 1, total=total, error="Please answer both questions.",
            )
            return page, 400
        try:
            store.record(reader_token, form.get("image", ""), _CHOICES["origin"][origin], _CHOICES["lesion"][lesion])
        except KeyError:
            abort(404)
        return redirect(url_for("question", reader_token=reader_token), code=303)

    @app.get("/image/<image_token>")
    def image(image_token: str) -> Response:
        item_id = store.item_for_token(image_token)
        if item_id is None:
            abort(404)
        return Response(pngs[item_id], mimetype="image/png")

    return app


def load_study(images_path: str | Path, key_path: str | Path) -> tuple[torch.Tensor, pd.DataFrame, list[str]]:
    """Reads a study written by the ``reader_study`` pipeline: images, key and channel names."""
    images_path, key_path = Path(images_path), Path(key_path)
    for path in (images_path, key_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing; prepare the study first (kedro run --pipelines=reader_study)")
    payload = torch.load(images_path, map_location="cpu", weights_only=True)
    images = payload["images"] if isinstance(payload, dict) else payload
    channels = list(payload.get("channels", [])) if isinstance(payload, dict) else []
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        raise ValueError(f"{images_path}: expected study images [N, C, H, W]")
    key = pd.read_parquet(key_path)
    validate_key(key, images.shape[0], source=str(key_path))
    return images, key.assign(is_lesion=key["is_lesion"].astype(np.bool_)), channels
