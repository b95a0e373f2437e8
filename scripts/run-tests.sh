#!/usr/bin/env bash
# The project's test command (README): sets up everything the tests need on a fresh machine, then runs pytest.
#   - a virtualenv in .venv with the project and its test extras (PyPI)
#   - Debian's chromium for the browser tests of the HTML view (apt, when missing and we are root)
#   - Neo4j 5 Community for the integration tests is fetched from Maven Central by scripts/neo4j-test-server,
#     which the tests' fixture starts on 127.0.0.1 (or set NEO4J_URI to use a running server)
# Extra arguments go to pytest (e.g. `bash scripts/run-tests.sh -k build`).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian chromium for the browser tests" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; browser tests will fail" >&2
  else
    echo "warning: chromium missing and not root; install Debian's chromium for the browser tests" >&2
  fi
fi

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Java 17 and Maven for the Neo4j test server" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null) \
      || echo "warning: could not install Java/Maven; Neo4j tests will fail" >&2
  fi
fi

exec .venv/bin/python -m pytest -q -p no:cacheprovider --doctest-modules kg viz tests "$@"
