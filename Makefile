# Imbuto: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
BENCH ?=
comma := ,
# uv compiles bytecode at install (--compile-bytecode): with PYTHONDONTWRITEBYTECODE set, nothing
# would cache it later and every command would recompile Django from source.

.PHONY: install install-test run test lint bench messages clean

# The venv is made once, with the newest Python >= 3.12 on PATH or under pyenv. uv, when it can be
# had, downloads and installs in parallel (several times faster than pip); pip is the fallback.
$(BIN)/python:
	@py=$$(scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$py ($$($$py --version 2>&1))"; \
	rm -rf $(VENV) && $$py -m venv $(VENV) && ($(BIN)/pip install -q uv >/dev/null 2>&1 || true)

# pip_install SPEC: uv if present, else (or if uv fails, e.g. a private index only pip knows) pip.
PIP_INSTALL = if [ -x $(BIN)/uv ] && $(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -e "$(1)"; then :; \
	else $(BIN)/pip install -q -e "$(1)"; fi

# (Re)install only when pyproject.toml changed: the stamp file name holds its hash.
install: $(BIN)/python
	@h=$$(sha1sum pyproject.toml | cut -c1-12); \
	if [ ! -f $(VENV)/.stamp-$$h ]; then \
	  echo "Installing Imbuto and its dependencies into $(VENV)..."; \
	  $(call PIP_INSTALL,.) && rm -f $(VENV)/.stamp-* && touch $(VENV)/.stamp-$$h; \
	fi

install-test: $(BIN)/python
	@h=$$(sha1sum pyproject.toml | cut -c1-12); \
	if [ ! -f $(VENV)/.stamp-test-$$h ]; then \
	  echo "Installing Imbuto with test and bench extras into $(VENV)..."; \
	  $(call PIP_INSTALL,.[test$(comma)bench]) && rm -f $(VENV)/.stamp-* \
	    && touch $(VENV)/.stamp-$$h $(VENV)/.stamp-test-$$h; \
	fi

# Serves on http://$(HOST):$(PORT) (PORT, HOST and DATABASE_URL are honoured).
run: install
	@$(BIN)/imbuto migrate --no-input -v 0
	@$(BIN)/imbuto demo --if-empty
	@exec $(BIN)/imbuto serve --host $(HOST) --port $(PORT)

# ruff and mypy, then the suite on SQLite and on PostgreSQL (see scripts/test.sh).
test: install-test
	@bash scripts/test.sh

# ruff, the import contracts (pyproject.toml [tool.importlinter]: apps depend one way, no cycles), mypy.
lint: install-test
	$(BIN)/ruff check .
	PYTHONPATH=src $(BIN)/lint-imports --no-logo
	$(BIN)/mypy

# All scenarios in bench/scenarios, or one: make bench BENCH=name
bench: install-test
	@names="$(BENCH)"; \
	if ! command -v wrk >/dev/null 2>&1 && { [ -z "$$names" ] || echo " $$names " | grep -q " api_load "; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "bench: api_load needs wrk; installing it (apt-get install -y wrk)"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
	      apt-get install -y -q wrk >/dev/null 2>&1; }; \
	  fi; \
	  if ! command -v wrk >/dev/null 2>&1; then \
	    echo "bench: SKIPPING api_load: wrk is not installed and could not be installed here" \
	      "(install it, e.g. as root: apt-get install -y wrk); its last results stay as they are."; \
	    [ -n "$$names" ] || names=$$($(BIN)/python bench/run.py --list | cut -f1 | tr '\n' ' '); \
	    names=$$(echo " $$names " | sed 's/ api_load / /g'); \
	    [ -n "$$(echo $$names)" ] || exit 0; \
	  fi; \
	fi; \
	$(BIN)/python bench/run.py $$names

messages: install
	cd src/imbuto && ../../$(BIN)/django-admin makemessages -l it --ignore '*/migrations/*' && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3*
