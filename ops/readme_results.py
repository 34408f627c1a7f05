"""Copy the results of the last `make run` into README.md (`make readme-results`), never by hand.

Reads the run's record (`data/08_reporting/run_info.json`, written by `make run`: commit, whether the
working tree had changes, wall time), the report's Markdown tables (`data/08_reporting/evaluation/*.md`)
and each model's real-vs-synthetic grid, and rewrites the part of README.md between the two markers below.
The grids are copied to `docs/results/` so the README shows them on a fresh clone.

    python ops/readme_results.py [--readme README.md] [--reporting data/08_reporting]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

BEGIN, END = "<!-- results:begin (make readme-results) -->", "<!-- results:end -->"
# Report tables shown in the README, in this order: file stem under evaluation/ -> heading.
TABLES = {
    "paired_comparisons": "Does synthetic data help? Paired comparisons and verdicts",
    "realism": "Realism of the synthetic images (headline metrics)",
    "augmentation_study": "Augmentation study (004 Table 1 layout)",
    "tstr": "Train on synthetic, test on real (TSTR) vs train on real (TRTR)",
    "gan_comparison": "All set metrics (002 Table II protocol)",
}


def _table_body(path: Path) -> str:
    """The Markdown of one report table without its title line."""
    text = path.read_text(encoding="utf-8").strip()
    return text.split("\n", 1)[1].strip() if text.startswith("#") else text


def results_section(reporting: Path, docs_results: Path, readme_dir: Path) -> str:
    info_path = reporting / "run_info.json"
    if not info_path.is_file():
        raise SystemExit(f"{info_path} is missing: run `make run` first (it records the commit and the time)")
    info = json.loads(info_path.read_text(encoding="utf-8"))
    dirty = " (with uncommitted changes)" if info.get("dirty") else ""
    minutes = float(info["seconds"]) / 60.0
    lines = [BEGIN, "",
             f"From `make run` at commit `{info['commit']}`{dirty}, {info['finished']}: **{minutes:.1f} min** on "
             f"{info.get('cpus', '?')} CPU cores (cohort generation {float(info.get('cohort_seconds', 0)) / 60:.1f} min "
             f"+ `prostate_gan` {float(info.get('pipeline_seconds', 0)) / 60:.1f} min). Regenerate with `make run && "
             "make readme-results`.", ""]
    for stem, heading in TABLES.items():
        path = reporting / "evaluation" / f"{stem}.md"
        if path.is_file():
            lines += [f"### {heading}", "", _table_body(path), ""]
    grids = sorted((reporting / "gan_training").glob("*_real_vs_synthetic.png"))
    if grids:
        docs_results.mkdir(parents=True, exist_ok=True)
        lines += ["### Samples of every model (left: real training patches, right: synthetic)", ""]
        for grid in grids:
            model = grid.name.removesuffix("_real_vs_synthetic.png")
            target = docs_results / grid.name
            shutil.copyfile(grid, target)
            lines += [f"**{model}**", "", f"![{model}: real vs synthetic]({target.relative_to(readme_dir).as_posix()})", ""]
    return "\n".join([*lines, END])


def update_readme(readme: Path, section: str) -> None:
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme}: no results markers ({BEGIN} … {END}); add them where the results belong")
    readme.write_text(pattern.sub(lambda _: section, text, count=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    parser.add_argument("--reporting", type=Path, default=Path("data/08_reporting"))
    args = parser.parse_args(argv)
    readme_dir = args.readme.resolve().parent
    update_readme(args.readme, results_section(args.reporting, readme_dir / "docs" / "results", readme_dir))
    print(f"{args.readme}: results of {args.reporting / 'run_info.json'} copied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
