# Two commands do everything on a fresh machine with python3:
#   make reproduce   create .venv, install the project, run the whole workflow
#   make test        same venv, run the test suite (unit tests + an end-to-end workflow run)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= all
CONFIG ?= config/config.yaml
SNAKEMAKE_ARGS ?=

.PHONY: venv reproduce unlock test lint report clean

$(BIN)/snakemake: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[workflow,test]" -c constraints.txt
	touch $@

venv: $(BIN)/snakemake

reproduce: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --cores $(CORES) --configfile $(CONFIG) $(SNAKEMAKE_ARGS)

# after a kill -9 or a power loss: remove Snakemake's stale lock, then `make reproduce` again
unlock: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --unlock --configfile $(CONFIG)

report: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --cores $(CORES) --configfile $(CONFIG) --report results/report.html

lint: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --lint --configfile $(CONFIG)
	$(BIN)/snakefmt --check Snakefile workflow/

test: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf results logs .snakemake
