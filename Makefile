# The two commands a newcomer needs: `make demo` and `make test`. Both set up everything from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: demo test ui lint score notebook clean

# The parser modules are compiled (setup.py, assets/native.py): a change to a source recompiles them.
$(STAMP): pyproject.toml setup.py $(wildcard assets/native.py assets/parser/*.py assets/pipeline/*.py schemas/*.py)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The local default instance (SQLite under DAGSTER_HOME, queued runs, one run per year partition at a time,
# telemetry off), copied once: an existing dagster.yaml is left alone. Other examples: deploy/, docs/deploy.md.
$(DAGSTER_HOME)/dagster.yaml:
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.local.yaml $@

demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## materialize every asset for every year in the sample corpus
	$(BIN)/govreports run

test: $(STAMP)  ## the whole test suite (each test makes its own Dagster instance: DAGSTER_HOME is not passed on)
	env -u DAGSTER_HOME $(BIN)/python -m pytest -q

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml  ## the Dagster UI on http://127.0.0.1:3000
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

notebook: $(STAMP)  ## run notebooks/explore.ipynb on the warehouse (after `make demo`); outputs in explore-executed.ipynb
	$(BIN)/jupyter-execute notebooks/explore.ipynb --output=explore-executed

lint: $(STAMP)
	$(BIN)/ruff check .

score: $(STAMP)  ## the independent scorer on the seeds, the devset and the wild pages (needs ../shared)
	$(PYTHON) ../shared/tools/score_reports.py --truth ../shared/seeds/truth --raw ../shared/seeds/raw --cmd "$(BIN)/govreports parse --json" --per-report
	$(PYTHON) ../shared/tools/score_reports.py --truth ../shared/devset/truth --raw ../shared/devset/raw --cmd "$(BIN)/govreports parse --json" --per-report
	$(PYTHON) ../shared/tools/score_reports.py --truth ../shared/wild/truth --raw ../shared/wild/raw --cmd "$(BIN)/govreports parse --json" --per-report

clean:
	rm -rf data/warehouse $(DAGSTER_HOME)
