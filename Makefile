# Every target sets up .venv first; a fresh machine needs only `make run` or `make test`.
PY ?= $(shell command -v python3.12 || command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench bench-http lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/penalty-rules serve

test: $(STAMP)
	$(BIN)/penalty-rules lists validate
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_engine.py

bench-http: $(STAMP)
	$(BIN)/python benchmarks/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
