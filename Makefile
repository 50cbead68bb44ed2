# Two commands do everything on a fresh machine:
#   make run   - create .venv, install, run the main job: every library scenario against the baseline,
#                10 paired replicates x 300 clinicians x 5 years, report in results/comparison/report.html
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
	$(VENV)/bin/resilience compare --all --replicates 10 --weeks 260 --clinicians 300 --out results/comparison

test: $(STAMP)
	$(PY) -m pytest -q -n 2 tests --nbmake notebooks

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
