# The two commands: `make run` and `make test`. Both create .venv themselves.
# `make mutate` mutation-tests the domain rules (slow, not part of `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8550

.PHONY: run test mutate lint typecheck check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/pledge init
	$(BIN)/pledge serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -q

# The tester is mutmut. Tried on domain/funding.py with 2 cores: mutmut took 0.7 s a
# mutant (it forks per mutant and runs only the tests that reach the mutated function),
# pytest-gremlins 11 s (a subprocess per mutant, and fewer kinds of mutation), cosmic-ray
# 30 s (the whole test command per mutant, one at a time, on the source in place).
# mutmut works with the src/ layout and our conftest, and names each mutant after its
# function, with `mutmut show NAME` for the diff. Survivors: tests/mutation_equivalents.toml.
mutate: $(VENV)/.installed-dev
	$(BIN)/python -m tests.mutation_report

clean:
	rm -rf $(VENV) pledge.db .pytest_cache .mypy_cache .ruff_cache mutants
