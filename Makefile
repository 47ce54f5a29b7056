# The two commands of the README: `make demo` and `make test`. Everything else is their parts.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: demo test lint install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/newsdesk demo

test: $(STAMP)
	VENV=$(VENV) scripts/test

lint: $(STAMP)
	VENV=$(VENV) scripts/lint
