#!/usr/bin/env bash
# Airflow operations of the project (bodies of the make targets in ops/Makefile.ops).
#
#   ops/airflow.sh dag              regenerate the committed DAGs in airflow/dags (envs: $DAG_ENVS)
#   ops/airflow.sh check            parse airflow/dags in Airflow 3; fail on any import error
#   ops/airflow.sh test [ENV]       generate the DAG for ENV (default test) and run it once: airflow dags test
#
# GROUP_BY=memory (default): one task per group of nodes joined by in-memory datasets (per model and stage,
# parallel on a real scheduler). GROUP_BY=namespace: one task per stage (7 tasks, less start-up per run).
#   ops/airflow.sh standalone       Airflow UI + scheduler on 127.0.0.1:8080 over airflow/dags
#
# Airflow state lives in $AIRFLOW_HOME (default .airflow/, git-ignored). Needs .venv (make setup) for
# `kedro airflow create` and .venv-airflow (make airflow-env) for Airflow itself.
set -euo pipefail
PROJECT=$(cd "${MEDSYNTH_PROJECT_PATH:-$(dirname "$0")/..}" && pwd)
cd "$PROJECT"
PROJECT_VENV=$(cd "${PROJECT_VENV:-$PROJECT/.venv}" && pwd)
AIRFLOW_VENV=${AIRFLOW_VENV:-$PROJECT/.venv-airflow}
PIPELINE=${PIPELINE:-prostate_gan}
DAG_ENVS=${DAG_ENVS:-base demo}
TEMPLATE=airflow/dag_template.j2
GROUP_BY=${GROUP_BY:-memory}
export KEDRO_DISABLE_TELEMETRY=true DO_NOT_TRACK=1 MPLBACKEND=Agg MEDSYNTH_PROJECT_PATH="$PROJECT"
export AIRFLOW_HOME=${AIRFLOW_HOME:-$PROJECT/.airflow}
export AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__DAGS_FOLDER=${AIRFLOW__CORE__DAGS_FOLDER:-$PROJECT/airflow/dags}

generate() {  # generate ENV TARGET_DIR
  "$PROJECT_VENV/bin/kedro" airflow create --pipelines="$PIPELINE" --group-by "$GROUP_BY" --env="$1" \
    --target-dir="$2" --jinja-file="$TEMPLATE" >/dev/null
}

airflow_cli() {
  test -x "$AIRFLOW_VENV/bin/airflow" || { echo "ops/airflow.sh: $AIRFLOW_VENV missing; run 'make airflow-env'" >&2; exit 1; }
  "$AIRFLOW_VENV/bin/airflow" "$@"
}

init_db() {
  mkdir -p "$AIRFLOW_HOME"
  airflow_cli db migrate >"$AIRFLOW_HOME/db-migrate.log" 2>&1 || { tail -20 "$AIRFLOW_HOME/db-migrate.log" >&2; exit 1; }
}

check_import_errors() {
  local errors
  # `|| true`: the command exits non-zero when there are import errors; they are reported below, not swallowed.
  errors=$(airflow_cli dags list-import-errors --local --output json 2>/dev/null | tail -1 || true)
  if [ "$errors" != "[]" ]; then echo "Airflow import errors in $AIRFLOW__CORE__DAGS_FOLDER: $errors" >&2; exit 1; fi
  echo "DAGs parsed without import errors:"
  airflow_cli dags list --local --output json 2>/dev/null | tail -1 | "$PROJECT_VENV/bin/python" -c \
    "import json, sys; [print('  ' + d['dag_id'] + '  (' + d['fileloc'] + ')') for d in json.load(sys.stdin)]"
}

case "${1:-}" in
  dag)
    for env in $DAG_ENVS; do generate "$env" airflow/dags; done
    ls airflow/dags/*.py ;;
  check)
    init_db
    check_import_errors ;;
  test)
    env=${2:-test}
    export AIRFLOW__CORE__DAGS_FOLDER="$AIRFLOW_HOME/dags_$env"
    rm -rf "$AIRFLOW__CORE__DAGS_FOLDER" && mkdir -p "$AIRFLOW__CORE__DAGS_FOLDER"
    generate "$env" "$AIRFLOW__CORE__DAGS_FOLDER"
    init_db
    check_import_errors
    dag_id=$(sed -n 's/^    dag_id="\(.*\)",$/\1/p' "$AIRFLOW__CORE__DAGS_FOLDER"/*.py)
    echo "airflow dags test $dag_id (log: $AIRFLOW_HOME/dags-test.log)"
    if ! airflow_cli dags test "$dag_id" >"$AIRFLOW_HOME/dags-test.log" 2>&1; then
      grep -E "ERROR|Error|error|Traceback|failed" "$AIRFLOW_HOME/dags-test.log" | tail -40 >&2; exit 1
    fi
    grep -o "DagRun Finished: dag_id=[^,]*, logical_date=[^,]*, run_id=[^,]*.*state=[a-z]*" "$AIRFLOW_HOME/dags-test.log" \
      | sed 's/run_start_date.*state=/state=/' ;;
  standalone)
    init_db
    exec "$AIRFLOW_VENV/bin/airflow" standalone ;;
  *)
    sed -n '2,12p' "$0"; exit 2 ;;
esac
