#!/usr/bin/env bash
# Run the tests (all but the browser ones) under the LOWEST networkx that pyproject.toml
# allows, in a throwaway virtualenv, so the floor in pyproject is a tested promise.
# CI runs it after the main suite (scripts/test.sh); extra arguments go to pytest.
# Keep the pin below equal to pyproject's "networkx>=" floor (a test checks this).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check \
  "networkx==3.2" -e ".[test]"
"$tmp/venv/bin/python" -c "import networkx; print('networkx', networkx.__version__)"
"$tmp/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not browser" "$@"
