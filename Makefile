PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# Two environments from two lock files: what running havenwatch needs (`make demo`), and that
# plus the development tools (`make test`). Each is rebuilt whenever its lock file changes.
RUNTIME := $(VENV)/.runtime-installed
DEVELOPMENT := $(VENV)/.development-installed

.PHONY: demo test lint typecheck env dev-env model gazetteer lock clean

$(RUNTIME): requirements-runtime.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes --no-deps -r requirements-runtime.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $(RUNTIME)

$(DEVELOPMENT): requirements.lock $(RUNTIME)
	$(PIP) --require-hashes --no-deps -r requirements.lock
	touch $(DEVELOPMENT)

env: $(RUNTIME)

dev-env: $(DEVELOPMENT)

demo: $(RUNTIME)
	$(BIN)/havenwatch demo

lint: $(DEVELOPMENT)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEVELOPMENT)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# Regenerate both lock files after changing dependencies in pyproject.toml. The runtime lock is
# pinned to the development lock's versions (plus setuptools, which the editable install needs),
# so both environments run the same code.
LOCK_OPTIONS := --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev $(LOCK_OPTIONS) -o requirements.lock
	grep -E '^[A-Za-z0-9_.-]+==' requirements.lock | sed 's/ \\$$//' > .lock-pins.txt
	echo "setuptools>=77" | $(PYTHON) -m uv pip compile pyproject.toml - -c .lock-pins.txt \
		$(LOCK_OPTIONS) -o requirements-runtime.lock
	rm -f .lock-pins.txt

clean:
	rm -rf $(VENV) havenwatch-data

# Retrain the extractor's decision model from the labelled sets (deterministic; a test
# checks that the shipped file is what this produces).
model: $(DEVELOPMENT)
	$(BIN)/havenwatch train

# Rewrite the place gazetteers (lexicons/<language>/gazetteer.json) from the CLDR data Babel
# ships (a test checks the shipped files are what this produces).
gazetteer: $(RUNTIME)
	$(BIN)/python -m havenwatch.monitor.extract.gazetteer
