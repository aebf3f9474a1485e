# The two set-up commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install services bench bench-report bench-kiosk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/safety-service db upgrade
	$(BIN)/safety-service demo --if-empty
	$(BIN)/safety-service serve --host $(HOST) --port $(PORT)

services:
	bash .ci/services.sh

test: install services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install services
	$(BIN)/python bench/hazard_queries.py

bench-report: install services
	$(BIN)/python bench/report_http.py

bench-kiosk: install services
	$(BIN)/python bench/kiosk_intake.py

clean:
	rm -rf $(VENV) data .pytest_cache
