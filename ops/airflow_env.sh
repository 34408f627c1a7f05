#!/usr/bin/env bash
# Builds .venv-airflow: Apache Airflow 3 with this project installed, for `make airflow-*` and the Airflow tests.
#
# Airflow gets its own interpreter and site-packages (its pins never touch the project's .venv), but the
# heavy scientific stack (torch + CUDA wheels, MONAI, SimpleITK: ~7 GB) is not installed twice: a .pth file
# appends the project's .venv site-packages *after* Airflow's own, so a package both need resolves to
# Airflow's copy and everything else to the project's. pip sees the shared packages as installed, resolves
# Airflow against them, and `pip check` proves the combination consistent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
PROJECT_VENV=${PROJECT_VENV:-.venv}
AIRFLOW_VENV=${AIRFLOW_VENV:-.venv-airflow}
AIRFLOW_VERSION=${AIRFLOW_VERSION:-3.3.2}
KEDRO_AIRFLOW_VERSION=${KEDRO_AIRFLOW_VERSION:-0.11.0}

test -x "$PROJECT_VENV/bin/python" || { echo "airflow_env: $PROJECT_VENV missing; run 'make setup' first" >&2; exit 1; }
shared_site=$("$PROJECT_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')

test -x "$AIRFLOW_VENV/bin/python" || "$PYTHON" -m venv "$AIRFLOW_VENV"
own_site=$("$AIRFLOW_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$(cd "$shared_site" && pwd)" > "$own_site/zz_medsynth_project_stack.pth"

# the venv seeds an old setuptools that would shadow the newer one torch needs
"$AIRFLOW_VENV/bin/python" -m pip install -q --upgrade pip "setuptools>=77"
"$AIRFLOW_VENV/bin/python" -m pip install -q "apache-airflow==$AIRFLOW_VERSION" "kedro-airflow==$KEDRO_AIRFLOW_VERSION"
"$AIRFLOW_VENV/bin/python" -m pip install -q --no-deps -e .
"$AIRFLOW_VENV/bin/python" -m pip check
"$AIRFLOW_VENV/bin/python" -c 'import airflow, kedro, torch, medsynth_pipeline; print("airflow", airflow.__version__, "kedro", kedro.__version__, "torch", torch.__version__)'
touch "$AIRFLOW_VENV/.installed"
