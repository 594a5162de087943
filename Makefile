# partage — the two commands of the quick start, and the steps they are made of.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install check lint typecheck layers pytest bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install exactly the locked versions, then partage itself without resolving again.
$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/partage serve --demo --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

layers: install
	$(BIN)/lint-imports

pytest: install
	$(BIN)/pytest

check: lint typecheck layers

test: check pytest

bench: install
	$(BIN)/python bench/allocation.py
	$(BIN)/python bench/closing.py
	$(BIN)/python bench/models.py
	$(BIN)/python bench/simulate.py
	$(BIN)/python bench/cred.py
	$(BIN)/python bench/git_import.py
	$(BIN)/python bench/org_cred.py
	$(BIN)/python bench/transactions_import.py
	$(BIN)/python bench/transactions_api.py
	$(BIN)/python bench/value_flows_report.py

# Refresh the lock file after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --extra dev --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
