# Two commands do everything on a fresh machine:
#   make run   - create .venv, install, run the main job: every library policy against the baseline in every library context,
#                10 paired replicates x 300 clinicians x 5 years (480 runs), report in results/comparison/report.html
#   make test  - create .venv, install with test extras, run the whole test suite
# CI (.ci/run) also runs `make test-py312`: a fast subset of the suite on Python 3.12 with the newest Mesa 3.x,
# in a second venv (.venv312); it is skipped with a note when no Python 3.12 interpreter is found.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Python 3.12: PYTHON312=/path/to/python3.12 overrides the search (PATH, pyenv, /usr/bin, /usr/local/bin)
ifeq ($(origin PYTHON312), undefined)
PYTHON312 := $(shell for c in python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 \
	/usr/bin/python3.12; do "$$c" -c 'import sys; assert sys.version_info[:2] == (3, 12)' >/dev/null 2>&1 \
	&& { command -v "$$c"; break; }; done)
endif
VENV312 ?= .venv312
# the fast subset run on Python 3.12 (a few minutes on two cores)
FAST_TESTS ?= tests/test_parameters.py tests/test_state.py tests/test_model.py tests/test_processes.py tests/test_cli.py tests/test_burn_in.py tests/test_executors.py tests/test_outcomes.py tests/test_results_store.py

.PHONY: run test browser test-fast test-py312 teach bench validation-docs calibrated-defaults clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	echo '*' > $(VENV)/.gitignore
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,distributed]"
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/resilience compare --all --replicates 10 --weeks 260 --clinicians 300 --out results/comparison

# the dashboard's browser test drives Debian's Chromium (Playwright, no browser download): installed with apt
# where it is missing and apt can install it; otherwise that one test is skipped and says why
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver || { apt-get update -q && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }; } >/dev/null 2>&1 || \
		echo "note: could not install Debian's chromium (apt); the dashboard's browser test will be skipped"; }

test: $(STAMP) browser
	$(PY) -m pytest -q -n 2 tests --nbmake notebooks

test-fast: $(STAMP)
	$(PY) -c 'import sys, mesa; print(f"Python {sys.version.split()[0]}, Mesa {mesa.__version__}")'
	$(PY) -m pytest -q -n 2 $(FAST_TESTS)

test-py312:
	@if [ -z "$(PYTHON312)" ]; then \
		echo "note: no Python 3.12 interpreter found (PATH, pyenv, /usr/bin); skipping the Python 3.12 tests." \
		     "Set PYTHON312=/path/to/python3.12 to run them."; \
	else \
		$(MAKE) --no-print-directory test-fast PYTHON="$(PYTHON312)" VENV="$(VENV312)"; \
	fi

# for educators: installs JupyterLab into .venv, serves the dashboard on http://127.0.0.1:8765 and opens the
# notebook course (notebooks/ 01-05, then 06); stopping JupyterLab stops the dashboard too
teach: $(STAMP)
	$(PY) -m pip install --quiet -e ".[teach]"
	$(VENV)/bin/resilience dashboard & trap 'kill $$!' EXIT; $(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) benchmarks/bench_model.py

# the validation docs/ODD.md section 9 is generated from (one or two minutes on two cores): run it after changing a
# default, a scenario file or a target (tests/test_layout.py says when it is out of date)
validation-docs: $(STAMP)
	$(VENV)/bin/resilience validate --replicates 10 --clinicians 300 --weeks 260 --out results/validation-docs
	mkdir -p docs/validation
	cp results/validation-docs/patterns.csv results/validation-docs/effects.csv \
	   results/validation-docs/settings.json docs/validation/
	$(PY) docs/build_tables.py

# the defaults calibrated to the published targets (about 8 minutes on 2 cores), then the validation over that
# ensemble next to the one at the point defaults (docs/ODD.md section 9)
calibrated-defaults: $(STAMP)
	$(VENV)/bin/resilience calibrate published-targets --workers 2 --out results/calibration-published-targets
	mkdir -p docs/validation/calibrated
	cp results/calibration-published-targets/ensemble.parquet results/calibration-published-targets/posterior.csv \
	   results/calibration-published-targets/generations.csv docs/validation/calibrated/
	$(VENV)/bin/resilience validate --replicates 10 --clinicians 300 --weeks 260 \
	   --ensemble docs/validation/calibrated/ensemble.parquet --out results/validation-calibrated
	cp results/validation-calibrated/patterns.csv results/validation-calibrated/settings.json docs/validation/calibrated/
	$(PY) docs/build_tables.py

clean:
	rm -rf $(VENV) $(VENV312) results .pytest_cache .hypothesis
