# Two commands do all set-up: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= peninsula.duckdb

.PHONY: install demo test lint typecheck unit gates benchmarks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first: 2.13.0 is a local CPU build here; any other request pulls GBs of CUDA wheels.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,embeddings,ray]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/peninsula build examples --db $(DB)
	$(BIN)/peninsula export --db $(DB) --out out
	$(BIN)/peninsula report --db $(DB) --out out/report
	@echo "knowledge base: $(DB); exports in out/; report: out/report/index.html"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest

gates: install
	$(BIN)/python benchmarks/gates.py --quick

test: lint typecheck unit gates

clean:
	rm -rf $(VENV) out $(DB) .mypy_cache .ruff_cache .pytest_cache
