#!/usr/bin/env bash
# A shared MLflow tracking server over the project's store (body of `make mlflow-server`).
#
#   ops/mlflow_server.sh [--host H] [--port P]
#
# Backend: sqlite:///mlflow.db in the project (the store `kedro run` writes to by default); artifacts are
# proxied by the server (--serve-artifacts) into mlartifacts/, so clients need no access to the disk.
# Clients switch to it with conf/local/mlflow.yml (see docs/operations.md):
#   server:
#     mlflow_tracking_uri: http://<host>:<port>
# The default host is 127.0.0.1 (this machine only); expose it on a lab network only behind its
# authentication (mlflow server --app-name basic-auth) or an SSH tunnel.
set -euo pipefail
PROJECT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PROJECT_VENV:-$PROJECT/.venv}/bin
HOST=127.0.0.1
PORT=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --host) HOST=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "usage: $0 [--host H] [--port P]" >&2; exit 2 ;;
  esac
done
BACKEND=${MLFLOW_BACKEND_STORE_URI:-sqlite:///$PROJECT/mlflow.db}
ARTIFACTS=${MLFLOW_ARTIFACTS_DESTINATION:-$PROJECT/mlartifacts}
mkdir -p "$ARTIFACTS"
echo "MLflow server on http://$HOST:$PORT  (store $BACKEND, artifacts $ARTIFACTS)"
exec "$BIN/mlflow" server --backend-store-uri "$BACKEND" --artifacts-destination "$ARTIFACTS" \
  --serve-artifacts --host "$HOST" --port "$PORT" --workers 1
