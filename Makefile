# One entry point per job. Each target builds .venv on first use (pip upgraded first: the fresh venv's
# pip 23 mis-resolves lxml extras), installs the project with its dev extra, then runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: install demo test lint eval bench bench-scale clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/claimwatch demo

test: $(STAMP)
	bash .ci/install-chromium.sh
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy claimwatch config flows stages sources extractors schemas warehouse

# Extraction quality: the real-text corpus (dev and blind splits, tests/realtext) and the golden regression set
eval: $(STAMP)
	$(BIN)/python -m extractors.realeval
	$(BIN)/python -m extractors.evaluate

bench: $(STAMP)
	$(BIN)/python -m bench

# bench_e2e and bench_memory at 50,000 articles (about half an hour on two cores); `make bench` keeps their figures
bench-scale: $(STAMP)
	$(BIN)/python -m bench bench_e2e_50k bench_memory_50k

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
