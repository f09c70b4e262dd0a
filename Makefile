# FactorTrace — two commands: `make run` and `make test`. Everything else is set up by them.
#
#   make run     venv + requirements, embedded PostgreSQL and Valkey under var/, migrations,
#                factor library, demo tenant; then a Celery worker and the web server.
#   make test    `make lint` (ruff, import-linter), the same set-up, then the whole pytest suite
#                (non-zero exit on any failure).
#
# DATABASE_URL / REDIS_URL in the environment replace the embedded services.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SERVICES := $(PY) scripts/devservices.py
PYTEST_ARGS ?=

.PHONY: run test setup venv sysdeps services-up services-down bench clean lint

$(STAMP): requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# System packages the suite needs: Chromium (browser tests), poppler-utils (pdftoppm),
# libxml2-utils (xmllint). Installed only when missing; needs root or sudo.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: venv
	$(SERVICES) run

setup: venv
	$(SERVICES) exec -- $(PY) manage.py platform_setup

test: lint sysdeps
	$(SERVICES) exec -- sh -c '$(PY) manage.py platform_setup && $(PY) -m pytest $(PYTEST_ARGS)'

services-up: venv
	$(SERVICES) up

services-down:
	@test -x $(PY) && $(SERVICES) down || true

bench: venv
	$(SERVICES) exec -- sh -c 'for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done'

# ruff (rules in pyproject.toml) and import-linter (the layers of DESIGN.md, contracts in
# pyproject.toml); any finding fails the target, and `make test` runs it first.
lint: venv
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

clean: services-down
	rm -rf var/ $(VENV)
