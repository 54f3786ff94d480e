# vethlab: `make test` sets up .venv/, the Docker engine and runs lint and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

.PHONY: help venv engine lint unit test fixtures clean

help:
	@echo "make test      set up .venv/ and the Docker engine, then lint and run every test"
	@echo "make lint      yamllint, ansible-lint (production profile), ruff"
	@echo "make unit      the tests that need no Docker engine"
	@echo "make fixtures  capture tests/fixtures/captured/ again from the local engine"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -m venv $(VENV) || { echo "'$(PYTHON) -m venv' failed: on Debian/Ubuntu, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

engine:
	scripts/docker-engine.sh

lint: venv
	yamllint --strict .
	ansible-lint
	ruff check .
	ruff format --check .

unit: venv
	pytest tests/unit tests/module

test: venv engine lint
	pytest

fixtures: venv engine
	python tests/capture_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
