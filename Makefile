# The README's two commands: `make run` and `make test`. Everything else is here for convenience.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test install install-dev postgres lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# torch is pinned and installed first: anything else would let pip pull a multi-GB CUDA build.
install-dev: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'

run: install
	$(BIN)/lowcarbon serve --host $(HOST) --port $(PORT)

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
	  echo "PostgreSQL on 127.0.0.1:5432 did not answer"; exit 1

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	LOWCARBON_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest

# Browser tests drive Debian's chromium (`playwright install` cannot download browsers here).
.PHONY: browser-deps
browser-deps:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium fonts-noto-cjk)

test: install-dev postgres browser-deps lint typecheck pytest

bench: install-dev
	$(BIN)/python bench/recommend.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
