# Imbuto: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install install-test run test test-sqlite test-postgres lint bench messages clean

$(BIN)/python:
	@py=$$(scripts/find-python.sh) && echo "Creating $(VENV) with $$py" && $$py -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when pyproject.toml changed (the stamp holds its hash).
install: $(BIN)/python
	@h=$$(sha1sum pyproject.toml | cut -c1-12); \
	if [ ! -f $(VENV)/.stamp-$$h ]; then \
	  $(BIN)/pip install -q -e . && rm -f $(VENV)/.stamp-* && touch $(VENV)/.stamp-$$h; \
	fi

install-test: $(BIN)/python
	@h=$$(sha1sum pyproject.toml | cut -c1-12); \
	if [ ! -f $(VENV)/.stamp-test-$$h ]; then \
	  $(BIN)/pip install -q -e '.[test,bench]' && rm -f $(VENV)/.stamp-* && touch $(VENV)/.stamp-$$h $(VENV)/.stamp-test-$$h; \
	fi

run: install
	@$(BIN)/imbuto migrate
	@$(BIN)/imbuto demo --if-empty
	@$(BIN)/imbuto serve --host $(HOST) --port $(PORT)

test: install-test
	@bash scripts/test.sh

lint: install-test
	$(BIN)/ruff check .

bench: install-test
	$(BIN)/python bench/run.py

messages: install
	cd src/imbuto && ../../$(BIN)/django-admin makemessages -l it -l en --ignore '*/migrations/*' && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3*
