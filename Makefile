# The two commands: `make run` and `make test`. Both create .venv themselves.
# `make bench` runs every benchmark and writes bench/results.md.
# `make mutate` mutation-tests the domain rules and `make coverage` measures line coverage
# (both slow, not part of `make test`).
# Every install takes its versions from requirements.lock (exact pins for Python 3.11 on
# Linux, generated from pyproject.toml). `make lock` regenerates it and runs the whole
# suite; `make lock-only` regenerates it and nothing else. Both keep every pin that still
# fits pyproject.toml and add the ones it newly needs; `make lock UPGRADE=1` moves every
# pin to the newest release instead. A changed lock is a commit of its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8550
TESTS ?=
LOCK := requirements.lock
# pip itself and the lock generator are pinned here, as they are not in the lock.
PIP_VERSION := 26.3
PIP_TOOLS_VERSION := 7.7.0
UPGRADE ?=

.PHONY: run test bench compiled lock lock-only mutate coverage lint typecheck check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION)

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-bench: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[bench]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/pledge init
	$(BIN)/pledge serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python tools/compile_reader.py --if-stale
	$(BIN)/ruff check src tests tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

# pip-tools goes into the venv for this only (it is no dependency of pledge); the existing
# lock's pins are kept where pyproject.toml still allows them (see the comment at the top).
lock-only: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) pip-tools==$(PIP_TOOLS_VERSION)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra dev --extra bench --strip-extras \
	    --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) \
	    --output-file $(LOCK) pyproject.toml

lock: lock-only
	$(MAKE) test

# Every script in bench/ with its defaults, one after the other (each prints its figures,
# its targets and whether it met them); their output goes to bench/results.md (not
# committed: the README quotes the latest). A failing bench is recorded and the rest run;
# the exit status says whether all finished.
BENCHES := $(sort $(filter-out bench/_%,$(wildcard bench/*.py)))

bench: $(VENV)/.installed-bench
	$(BIN)/python tools/compile_reader.py --if-stale
	@{ echo "# Benchmark results"; echo; \
	   echo "$$(date -u '+%Y-%m-%d %H:%M UTC'), $$(nproc) cores, commit $$(git rev-parse --short HEAD 2>/dev/null || echo '?')"; \
	   echo; } > bench/results.md
	@status=0; for b in $(BENCHES); do \
	  echo "== $$b"; \
	  { echo "## $$b"; echo; echo '```'; } >> bench/results.md; \
	  start=$$(date +%s); \
	  $(BIN)/python $$b > bench/.out 2>&1; rc=$$?; cat bench/.out; cat bench/.out >> bench/results.md; \
	  { echo '```'; echo; echo "exit status $$rc, $$(( $$(date +%s) - start )) s"; echo; } >> bench/results.md; \
	  [ $$rc -eq 0 ] || status=1; \
	done; rm -f bench/.out; echo "written: bench/results.md"; exit $$status

# The news reader compiled to C by mypyc (tools/compile_reader.py; about a minute on two
# cores) into .venv/pledge-compiled. pledge.ingest uses it only while it matches the sources
# (any edit: the reader runs as Python until the next build; PLEDGE_PURE=1 asks for Python).
# `make test` and `make bench` rebuild it when the sources changed.
compiled: $(VENV)/.installed-bench
	$(BIN)/python tools/compile_reader.py

# The tester is mutmut. Tried on domain/funding.py with 2 cores: mutmut took 0.7 s a
# mutant (it forks per mutant and runs only the tests that reach the mutated function),
# pytest-gremlins 11 s (a subprocess per mutant, and fewer kinds of mutation), cosmic-ray
# 30 s (the whole test command per mutant, one at a time, on the source in place).
# mutmut works with the src/ layout and our conftest, and names each mutant after its
# function, with `mutmut show NAME` for the diff. Survivors: tests/mutation_equivalents.toml.
mutate: $(VENV)/.installed-dev
	$(BIN)/python -m tests.mutation_report

# Line coverage of the whole suite, counted honestly: numba's JIT is off, so the compiled
# engines run as Python and their lines count, and the migrations count by path (the
# settings are [tool.coverage.*] in pyproject.toml). Each process (the xdist workers, the
# CLI subprocesses of some tests) writes its own data file; they are combined before the
# report. The report is printed even when a test fails, and the exit status is the tests'.
coverage: $(VENV)/.installed-dev
	rm -f .coverage .coverage.*
	NUMBA_DISABLE_JIT=1 $(BIN)/coverage run -m pytest -n 2 -q $(TESTS); status=$$?; \
	$(BIN)/coverage combine --quiet && $(BIN)/coverage report && \
	echo "line coverage: $$($(BIN)/coverage report --format=total)%"; exit $$status

clean:
	rm -rf $(VENV) pledge.db .pytest_cache .mypy_cache .ruff_cache mutants .coverage .coverage.*
