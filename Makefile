# sinen-mdt: the two commands of the README, and what they are made of.
#   make run   set up (venv, pinned requirements, migrations, demo data) and serve http://127.0.0.1:8000
#              with a task worker beside the server (draft PDFs); Ctrl+C stops both
#   make test  set up (also Debian's chromium, poppler-utils and Noto fonts when missing) and run lint, migration check and
#              the whole suite
# Both are idempotent; a second run only re-installs when a requirements file changed.

SHELL := /bin/bash
# pyenv resolves python3.13 from .python-version; elsewhere any python3.13 on PATH will do.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: run test setup setup-dev chromium poppler fonts lint check-migrations clean

run: setup fonts
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving sinen-mdt at http://127.0.0.1:8000 with a task worker (Ctrl+C stops both)"
	$(PY) manage.py devserver 127.0.0.1:8000

test: setup-dev chromium poppler fonts lint check-migrations
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.runtime-installed

setup-dev: $(VENV)/.dev-installed

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "Python 3.13 is required (see .python-version); found " + sys.version.split()[0] + " at " + sys.executable)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Browser tests drive Debian's Chromium; Playwright's own browser download cannot work offline.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi

# The record-integrity tests check the signed PDFs with poppler's pdfsig, as an auditor would.
poppler:
	@if ! command -v pdfsig >/dev/null 2>&1; then \
		echo "Installing Debian's poppler-utils (pdfsig) for the signed-PDF tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q poppler-utils; \
	fi

# The printed records print names in any script with Debian's Noto fonts (static/css/report.css); without them
# a CJK name prints as boxes, and the font tests fail. Production installs the same packages (README).
fonts:
	@if ! fc-list 2>/dev/null | grep -q 'NotoSans-Regular' || ! fc-list 2>/dev/null | grep -q 'NotoSansCJK'; then \
		echo "Installing Debian's fonts-noto-core and fonts-noto-cjk for the PDF records"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends \
			fonts-noto-core fonts-noto-cjk; \
	fi

lint: setup-dev
	$(VENV)/bin/ruff check .

check-migrations: setup
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
