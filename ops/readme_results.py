"""Copy the results of the last `make run` into README.md (`make readme-results`), never by hand.

Reads the run's record (`data/08_reporting/run_info.json`, written by `make run`: commit, whether the
working tree had changes, wall time), the report's Markdown tables (`data/08_reporting/evaluation/*.md`)
and each model's real-vs-synthetic grid, and rewrites the part of README.md between the two markers below.
The grids are copied to `docs/results/` so the README shows them on a fresh clone.

    python ops/readme_results.py [--readme README.md] [--reporting data/08_reporting]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
from pathlib import Path

BEGIN, END = "<!-- results:begin (make readme-results) -->", "<!-- results:end -->"
# The `make run` cell of the README's "what make run does" table.
RUNTIME_BEGIN, RUNTIME_END = "<!-- runtime:begin -->", "<!-- runtime:end -->"
# Issue 10's "done when" targets that the README checks against the run.
BUDGET_MINUTES = 15.0
MAX_AUC_CI_HALF_WIDTH = 0.08
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


def _table_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a Markdown table written by the report, as header -> cell."""
    if not path.is_file():
        return []
    rows = [line.strip().strip("|").split("|") for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("|")]
    if len(rows) < 2:
        return []
    header = [cell.strip() for cell in rows[0]]
    return [dict(zip(header, (cell.strip() for cell in row))) for row in rows[2:]]


def targets_summary(reporting: Path, minutes: float) -> list[str]:
    """One line per target of issue 10 this run can be checked against: met or not, with the number."""
    lines = ["**Targets (issue 10)**", "",
             f"- `make run` ≤ {BUDGET_MINUTES:.0f} min: {'met' if minutes <= BUDGET_MINUTES else 'not met'} "
             f"({minutes:.1f} min)."]
    realism = _table_rows(reporting / "evaluation" / "realism.md")
    for metric, target in (("C2ST-AUC", "C2ST AUC ≤ 0.85"), ("FRD", "FRD ≤ 2× the real-vs-real floor")):
        rows = [row for row in realism if row.get("metric", "").startswith(metric)]
        if rows:
            failing = [row for row in rows if row.get("meets target") != "yes"]
            models = ", ".join(sorted({row["model"] for row in failing}))
            verdict = f"not met by {models}" if failing else "met by every model"
            lines.append(f"- {target}: {verdict} ({len(rows) - len(failing)} of {len(rows)} headline rows; values "
                         "in the realism table below).")
    lines += _why_not_met(reporting, realism)
    widths = [(float(hi) - float(lo)) / 200.0 for row in _table_rows(reporting / "evaluation" / "augmentation_study.md")
              for lo, hi in re.findall(r"\[([-\d.]+), ([-\d.]+)\]", row.get("roc_auc", ""))]
    if widths:
        met = "met" if max(widths) <= MAX_AUC_CI_HALF_WIDTH else "not met"
        lines.append(f"- augmentation study ROC AUC 95 % CI half-width ≤ {MAX_AUC_CI_HALF_WIDTH}: {met} "
                     f"(widest {max(widths):.3f}, narrowest {min(widths):.3f}, {len(widths)} rows).")
    return lines


def _why_not_met(reporting: Path, realism: list[dict[str, str]]) -> list[str]:
    """What the training curves of this run say about the realism targets a model misses."""
    failing = sorted({row["model"] for row in realism if row.get("meets target") not in (None, "yes")})
    curves = []
    for model in failing:
        rows = _csv_rows(reporting / "gan_training" / f"{model}_selection_curve.csv")
        if rows:
            scores = [(int(r["iteration"]), float(r["score"])) for r in rows]
            best = min(scores, key=lambda item: item[1])
            curves.append(f"{model} {scores[0][1]:.2f} at {scores[0][0]} → {scores[-1][1]:.2f} at {scores[-1][0]} "
                          f"(best {best[1]:.2f} at {best[0]})")
    if not curves:
        return []
    return [f"- Why the realism targets are missed: the CPU demo trains each model for the iterations shown, "
            f"against the papers' 15,000–800,000 (conf/base, for a GPU). Validation C2ST AUC along this run's "
            f"training: {'; '.join(curves)}. Longer schedules measured: docs/gan_training.md (\"How long the demo "
            f"trains, and why\")."]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_info(reporting: Path) -> dict:
    info_path = reporting / "run_info.json"
    if not info_path.is_file():
        raise SystemExit(f"{info_path} is missing: run `make run` first (it records the commit and the time)")
    return json.loads(info_path.read_text(encoding="utf-8"))


def results_section(reporting: Path, docs_results: Path, readme_dir: Path) -> str:
    info = run_info(reporting)
    dirty = " (with uncommitted changes)" if info.get("dirty") else ""
    minutes = float(info["seconds"]) / 60.0
    lines = [BEGIN, "",
             f"From `make run` at commit `{info['commit']}`{dirty}, {info['finished']}: **{minutes:.1f} min** on "
             f"{info.get('cpus', '?')} CPU cores (cohort generation {float(info.get('cohort_seconds', 0)) / 60:.1f} min "
             f"+ `prostate_gan` {float(info.get('pipeline_seconds', 0)) / 60:.1f} min). Regenerate with `make run && "
             "make readme-results`.", ""]
    lines += [*targets_summary(reporting, minutes), ""]
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


def runtime_cell(info: dict) -> str:
    """The README's run-time cell from the run's record (``run_info.json``)."""
    minutes = float(info["pipeline_seconds"]) / 60.0
    verdict = "within" if float(info["seconds"]) / 60.0 <= BUDGET_MINUTES else "over"
    cohort = float(info.get("cohort_seconds", 0))
    first_run = f" + {cohort / 60:.1f} min generating the cohort (first run only)" if cohort > 0 else ""
    return (f"{RUNTIME_BEGIN}**{minutes:.1f} min** at {info['commit']} ({float(info['pipeline_seconds']):,.0f} s, "
            f"{info.get('cpus', '?')} cores{first_run}; the whole run {verdict} the {BUDGET_MINUTES:.0f}-min "
            f"target){RUNTIME_END}")


def update_readme(readme: Path, section: str, runtime: str | None = None) -> None:
    text = readme.read_text(encoding="utf-8")
    if runtime is not None:
        text = re.sub(re.escape(RUNTIME_BEGIN) + r".*?" + re.escape(RUNTIME_END), lambda _: runtime, text, count=1)
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
    section = results_section(args.reporting, readme_dir / "docs" / "results", readme_dir)
    update_readme(args.readme, section, runtime_cell(run_info(args.reporting)))
    print(f"{args.readme}: results of {args.reporting / 'run_info.json'} copied")
    return 0


if __name__ == "__main__":
    sys.exit(main())
