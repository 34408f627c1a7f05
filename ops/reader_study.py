#!/usr/bin/env python
"""Serve the prepared reader study (body of `make reader-study-serve`).

    python ops/reader_study.py serve [--env ENV] [--host H] [--port P]

Paths and display settings come from the Kedro project (catalog entries reader_study_images,
reader_study_key, reader_study_answers; parameters reader_study.display / reader_study.serve), so the app
and the pipeline can never disagree on where the study is.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _filepath(project: Path, catalog: dict, name: str) -> Path:
    path = Path(catalog[name]["filepath"])
    return path if path.is_absolute() else project / path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--env", default=os.environ.get("KEDRO_ENV", "base"))
    parser.add_argument("--project", type=Path, default=PROJECT, help="Kedro project root")
    parser.add_argument("--host", help="default: reader_study.serve.host")
    parser.add_argument("--port", type=int, help="default: reader_study.serve.port")
    args = parser.parse_args(argv)
    os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
    logging.basicConfig(level=logging.INFO)

    from kedro.framework.project import settings
    from kedro.framework.startup import bootstrap_project

    from medsynth_pipeline.reader_study.app import create_app, load_study

    # The config loader alone (no session): serving needs no pipeline, hook or MLflow run.
    project = args.project.resolve()
    bootstrap_project(project)
    loader = settings.CONFIG_LOADER_CLASS(conf_source=str(project / settings.CONF_SOURCE), env=args.env,
                                          **settings.CONFIG_LOADER_ARGS)
    params, catalog = loader["parameters"]["reader_study"], loader["catalog"]
    images_path, key_path, answers_path = (
        _filepath(project, catalog, name) for name in ("reader_study_images", "reader_study_key", "reader_study_answers")
    )

    images, key, channel_names = load_study(images_path, key_path)
    missing = [c for c in params["display"]["channels"] if c not in channel_names]
    if missing:
        raise SystemExit(f"{images_path}: channels {missing} of reader_study.display.channels not in {channel_names}")
    channels = [channel_names.index(c) for c in params["display"]["channels"]]
    serve = params["serve"]
    app = create_app(images, key, answers_path, channels=channels, panel_px=params["display"]["panel_px"],
                     title=serve["title"])
    host, port = args.host or serve["host"], args.port or serve["port"]
    logging.getLogger("reader_study").info("%d images; answers -> %s; open http://%s:%d/",
                                           len(key), answers_path, host, port)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
