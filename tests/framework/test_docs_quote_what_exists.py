"""The docs quote code and config that exist: a renamed function, parameter or dataset fails here, not in a
reader's terminal. And no doc or command uses Kedro's deprecated ``--pipeline`` flag."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from kedro.config import OmegaConfigLoader

import medsynth_pipeline

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
# `a.b.c` or `a.b.c()` in backticks; file names (`settings.py`) are not dotted names
QUOTED = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(\))?`")
FILE_SUFFIXES = {"py", "yml", "yaml", "md", "csv", "json", "png", "pt", "mha", "db", "txt", "toml", "ipynb", "j2"}
TOP_MODULES = {module.name for module in pkgutil.iter_modules(medsynth_pipeline.__path__)}


def _resolves_in_code(dotted: str) -> bool:
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module("medsynth_pipeline." + ".".join(parts[:split]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[split:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def _resolves_in(tree: Any, dotted: str) -> bool:
    for key in dotted.split("."):
        if not isinstance(tree, dict) or key not in tree:
            return False
        tree = tree[key]
    return True


@pytest.fixture(scope="module")
def config() -> tuple[dict, dict]:
    loader = OmegaConfigLoader(str(ROOT / "conf"), base_env="base", default_run_env="base")
    return dict(loader["parameters"]), dict(loader["catalog"])


def _in_catalog(catalog: dict, name: str) -> bool:
    # a dataset factory `a.{model}.b` matches `a.<one dotless part>.b`
    patterns = ("[^.]+".join(map(re.escape, re.split(r"\{[^}]*\}", key))) for key in catalog if "{" in key)
    return name in catalog or any(re.fullmatch(pattern, name) for pattern in patterns)


def test_every_dotted_name_a_doc_quotes_from_the_package_exists(config: tuple[dict, dict]) -> None:
    parameters, catalog = config
    missing = []
    for doc in DOCS:
        for dotted in QUOTED.findall(doc.read_text(encoding="utf-8")):
            if dotted.split(".")[0] not in TOP_MODULES or dotted.rsplit(".", 1)[1] in FILE_SUFFIXES:
                continue
            # a name shared by a library and a stage (`reporting.layout`) may be code, a parameter path
            # (from the root or under one pipeline's key) or a dataset
            if not (_resolves_in_code(dotted) or _resolves_in(parameters, dotted) or _in_catalog(catalog, dotted)
                    or any(_resolves_in(block, dotted) for block in parameters.values())):
                missing.append(f"{doc.relative_to(ROOT)}: `{dotted}`")
    assert not missing, "docs quote names that exist nowhere in code, parameters or catalog:\n" + "\n".join(missing)


def test_the_checker_catches_a_renamed_name(config: tuple[dict, dict]) -> None:
    parameters, catalog = config
    assert _in_catalog(catalog, "augmentation.prostategan.synthetic_images")
    assert not _in_catalog(catalog, "augmentation.prostategan.synthetic_imagez")
    assert _resolves_in_code("pipelines.prostate_gan.STAGES")
    assert not _resolves_in_code("pipeline_registry.PROSTATE_GAN_STAGES")
    assert _resolves_in(parameters, "registration.rigid.seed") and not _resolves_in(parameters, "registration.seed")


def test_no_tracked_text_uses_the_deprecated_pipeline_flag() -> None:
    # Kedro 1.7 deprecates `kedro run --pipeline`; `--pipelines` takes one or several names
    found = subprocess.run(["git", "grep", "-n", "-E", r"--pipeline([ =])", "--", ".", ":!tests/framework/test_docs_quote_what_exists.py"],
                           cwd=ROOT, capture_output=True, text=True).stdout
    assert not found, f"use --pipelines:\n{found}"
