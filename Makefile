# Two commands do everything on a fresh machine:
#   make run   - create .venv, install, run the main job (baseline service, 5 years) into results/baseline
#   make test  - create .venv, install with test extras, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,distributed]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/resilience run baseline --weeks 260 --out results/baseline

test: $(STAMP)
	$(PY) -m pytest -q -n 2

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
