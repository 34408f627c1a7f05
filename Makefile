# Everything a newcomer needs: `make run` (set up + main job on the embedded cohort), `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ENV ?= demo
COHORT_MARKER := data/01_raw/prostatex_like/ProstateX-TrainingLesionInformationv2/ProstateX-Findings-Train.csv
export KEDRO_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1
export MPLBACKEND := Agg

.PHONY: setup run cohort test test-fast lint viz mlflow-ui lock clean-data readme-results imagenet-weights

setup: $(VENV)/.installed

# Reinstalled only when the declared dependencies or their pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $@

# The embedded ProstateX-like cohort, generated once (deterministic from the seed in parameters_cohort.yml).
cohort: setup
	@if [ -f $(COHORT_MARKER) ]; then echo "cohort present: $(dir $(COHORT_MARKER)).."; \
	else $(BIN)/kedro run --pipelines=cohort --env=$(ENV); fi

# The main job on the CPU demo settings (conf/demo); on a GPU use ENV=base for the papers' settings.
# Records the commit and the wall time (cohort + main job, not the install) in data/08_reporting/run_info.json.
run: setup
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory cohort && cohort_done=$$(date +%s) && \
	$(BIN)/kedro run --pipelines=prostate_gan --env=$(ENV) && end=$$(date +%s) && \
	printf '{"commit": "%s", "dirty": %s, "finished": "%s", "env": "%s", "cpus": %s, "seconds": %s, "cohort_seconds": %s, "pipeline_seconds": %s}\n' \
	  "$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	  "$$(test -z "$$(git status --porcelain --untracked-files=no 2>/dev/null)" && echo false || echo true)" \
	  "$$(date -u +%Y-%m-%dT%H:%MZ)" "$(ENV)" "$$(nproc)" $$((end - start)) $$((cohort_done - start)) $$((end - cohort_done)) \
	  > data/08_reporting/run_info.json && \
	echo "make run: $$(( (end - start) / 60 )) min $$(( (end - start) % 60 )) s (data/08_reporting/run_info.json)"
	@echo "Report: data/08_reporting/REPORT.md   MLflow: make mlflow-ui   Lineage: make viz"

# Needs internet: torchvision's ResNet-50 ImageNet weights for 004's classifier (docs/evaluation.md).
imagenet-weights: setup
	mkdir -p data/06_models/imagenet
	$(BIN)/python -c "import torch, torchvision; torch.save(torchvision.models.resnet50(weights='IMAGENET1K_V1').state_dict(), 'data/06_models/imagenet/resnet50_imagenet1k_v1.pth')"

# Copy the last run's tables, time and sample grids into README.md (between the results markers).
readme-results:
	$(BIN)/python ops/readme_results.py

# Unit, pipeline and end-to-end tests on CPU; the Airflow/browser/mlflow-server tests: make test-integration.
test: setup
	$(BIN)/python -m pytest -q -m "not integration"

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not integration"

lint: setup
	$(BIN)/ruff check src tests

viz: setup
	$(BIN)/kedro viz run --env=$(ENV)

mlflow-ui: setup
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db --host 127.0.0.1 --port 5000

# Re-pin constraints.txt from a fresh resolution of the ranges in pyproject.toml.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q --upgrade pip
	.venv-lock/bin/python -m pip install -q -e ".[dev]"
	{ echo "# Exact, tested versions (Python 3.11, x86-64). Regenerate with: make lock"; \
	  .venv-lock/bin/pip freeze --exclude-editable | grep -v '^medsynth' | sort -f; } > constraints.txt
	rm -rf .venv-lock

clean-data:
	find data -mindepth 2 ! -name .gitkeep -delete

include ops/Makefile.ops
