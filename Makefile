# The two commands of the README: `make demo` runs the whole system on the embedded default,
# `make test` runs the test suite.  Both set up what they need first (scripts/bootstrap.sh).
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8765
PYTEST_ARGS ?=

.PHONY: demo test install lint bench clean

install:
	@VENV=$(VENV) ./scripts/bootstrap.sh

demo: install
	VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) ./scripts/demo.sh

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
