# The two set-up commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-runtime font services lock bench bench-report bench-kiosk clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One venv for both: `make run` installs what the service needs, `make test` adds the test extras
# (whose install also holds the runtime's, so either order works and neither installs twice).
$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(TESTING): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(RUNTIME) $(TESTING)

install-runtime: $(RUNTIME)

install: $(TESTING)

# The QR label sheets need a Chinese font: Debian's fonts-wqy-microhei, installed when run as root.
FONT_FOUND := $(BIN)/python -c 'from safety_service.config import get_settings as s; \
	from safety_service.qr.images import cjk_font_path; cjk_font_path(s().qr_font)' 2>/dev/null
font: install-runtime
	@$(FONT_FOUND) || { \
	  if [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing fonts-wqy-microhei (the Chinese font of the QR label sheets)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else \
	    echo "note: no Chinese font for the QR label sheets (safety-service qr sheet): install Debian's" \
	         "fonts-wqy-microhei (sudo apt-get install fonts-wqy-microhei) or set SAFETY_QR_FONT to a font file"; \
	  fi; }

# The embedded broker's port: 1883, or where another broker (Mosquitto on a development machine) holds it
# and neither SAFETY_MQTT_EMBEDDED_PORT nor SAFETY_MQTT_URL says otherwise, the first free port after it.
FREE_MQTT_PORT := $(BIN)/python -c 'import socket; \
	free = lambda p: socket.socket().connect_ex(("127.0.0.1", p)) != 0; \
	print(next(p for p in range(1883, 1900) if free(p)))'

run: install-runtime font
	$(BIN)/safety-service db upgrade
	$(BIN)/safety-service demo --if-empty
	@if [ -z "$$SAFETY_MQTT_EMBEDDED_PORT$$SAFETY_MQTT_URL" ]; then \
	  port=$$($(FREE_MQTT_PORT)); \
	  [ "$$port" = 1883 ] || echo "note: port 1883 is taken (by Mosquitto?): the embedded MQTT broker listens on $$port"; \
	  export SAFETY_MQTT_EMBEDDED_PORT=$$port; \
	fi; \
	exec $(BIN)/safety-service serve --host $(HOST) --port $(PORT)

services:
	bash .ci/services.sh

# The suite on every core, each test file kept in one worker (its module fixtures set up once); each
# worker builds its own test databases. PYTEST_ARGS="-n 0 tests/x" runs a part in this process.
PYTEST_ARGS ?= -n auto --dist loadfile

test: install services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The image's pinned dependencies (docker/requirements.lock, with hashes) from pyproject.toml: rerun after
# changing its dependencies, and commit the lock with that change (tests/deploy/test_lock.py checks them).
LOCK_CMD := uv pip compile pyproject.toml docker/build-requirements.in --universal --python-version 3.11 \
	--generate-hashes --index-url https://pypi.org/simple --output-file docker/requirements.lock
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/$(LOCK_CMD) --custom-compile-command 'make lock'

bench: install services
	$(BIN)/python bench/hazard_queries.py

bench-report: install services
	$(BIN)/python bench/report_http.py

bench-kiosk: install services
	$(BIN)/python bench/kiosk_intake.py

clean:
	rm -rf $(VENV) data .pytest_cache
