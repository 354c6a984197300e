# The two commands: `make run` (set up and serve with demo data) and `make test` (set up and test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs in as many processes as there are cores (at most four).
PYTEST_ARGS ?= -n auto --maxprocesses 4
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: run test lint seed migrate run-prod clean help system-deps

help:
	@echo "make run    - set up .venv, migrate, seed demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up .venv with dev tools, run ruff and the test suite"
	@echo "make system-deps - install (as root) or name the Debian packages the app needs"

# The Debian packages of scripts/system-packages.txt: installed when missing (as root), or one line
# that names the apt-get command. Runs before any Python is installed, and on every run/test.
system-deps:
	@scripts/system_deps.sh

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files re-run pip only when the pins change.
$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

migrate: system-deps $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "Serving the fairness audit workbench on http://127.0.0.1:$(PORT)/"
	@echo "Demo logins (password: demo): demo-auditor, demo-reviewer, demo-outsider, demo-admin (staff)"
	@echo ""
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The scaled setup: gunicorn + Celery on PostgreSQL and Redis (README "Production").
run-prod: system-deps $(VENV)/.runtime-installed
	scripts/run_prod.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: system-deps $(VENV)/.dev-installed
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest -m "not browser and not celery_worker" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .test_media staticfiles
