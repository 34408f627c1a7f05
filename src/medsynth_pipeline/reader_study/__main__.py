"""Serve a prepared reader study: ``python -m medsynth_pipeline.reader_study --images … --key … --db …``.

``make reader-study-serve`` (ops/reader_study.py) fills the paths in from the Kedro catalog.
"""

from __future__ import annotations

import argparse
import logging

from medsynth_pipeline.reader_study.app import create_app, load_study


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", required=True, help="study images (.pt) written by the reader_study pipeline")
    parser.add_argument("--key", required=True, help="study key (.parquet) written by the reader_study pipeline")
    parser.add_argument("--db", required=True, help="SQLite file for the answers (created if absent)")
    parser.add_argument("--channels", type=int, nargs="+", required=True, help="channel indices to show")
    parser.add_argument("--panel-px", type=int, required=True, help="display size of each channel panel")
    parser.add_argument("--title", default="Visual Turing Test")
    parser.add_argument("--host", default="127.0.0.1", help="127.0.0.1 keeps the study on this machine")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    images, key, _ = load_study(args.images, args.key)
    app = create_app(images, key, args.db, channels=args.channels, panel_px=args.panel_px, title=args.title)
    logging.getLogger(__name__).info("reader study with %d images at http://%s:%d/", len(key), args.host, args.port)
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
