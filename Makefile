# Every target sets up .venv first; a fresh machine needs only `make run` or `make test`.
# The first interpreter that really runs and is 3.11 or 3.12 (durable-rules does not import on 3.13).
PY ?= $(shell for p in python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(not (3,11) <= sys.version_info[:2] <= (3,12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system run test bench bench-http lint clean shell

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: system $(STAMP)

# Debian packages for PDF documents and browser tests (chromium, chromium-driver, poppler-utils,
# fonts-noto-cjk), installed only when missing; without root it warns and goes on.
system:
	@sh tools/setup_system.sh

run: system $(STAMP)
	$(BIN)/penalty-rules serve

# A shell with the venv activated: `penalty-rules …` on the PATH (exit to leave).
shell: $(STAMP)
	@echo "venv $(abspath $(VENV)) 已激活: penalty-rules 可直接使用; exit 退出"
	@VIRTUAL_ENV=$(abspath $(VENV)) PATH="$(abspath $(BIN)):$$PATH" $${SHELL:-/bin/sh} -i

test: system $(STAMP)
	$(BIN)/penalty-rules lists validate
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_replay.py

# wrk (Debian package) is the load generator: installed here when missing, not by `make test`.
bench-http: $(STAMP)
	@sh tools/setup_system.sh --bench
	$(BIN)/python benchmarks/bench_http.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
