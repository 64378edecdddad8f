#!/usr/bin/env bash
# Install everything the tests need (Python packages, and Debian's chromium for the
# browser tests) and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python -m pip install -q --disable-pip-version-check -e ".[test]"
python -m pytest "$@"
# In CI, also run the tests under the lowest networkx pyproject.toml allows.
if [ "${CI:-}" = "true" ] || [ "${MUSICNET_TEST_LOWEST:-}" = "1" ]; then
  bash scripts/test-lowest.sh
fi
