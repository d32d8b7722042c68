# coidesk — two commands for a new user: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= var

.PHONY: run test venv demo serve lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

## Set up, load the demo data set (real documents of demo/corpus) and serve on http://127.0.0.1:8000
run: venv demo serve

demo: venv
	COIDESK_DATA_DIR=$(DATA) $(BIN)/coidesk ingest demo/corpus
	COIDESK_DATA_DIR=$(DATA) $(BIN)/coidesk enrich
	COIDESK_DATA_DIR=$(DATA) $(BIN)/coidesk decisions
	COIDESK_DATA_DIR=$(DATA) $(BIN)/coidesk users demo

serve: venv
	COIDESK_DATA_DIR=$(DATA) $(BIN)/coidesk serve --host 127.0.0.1 --port 8000

## Run the whole test suite (ruff, mypy, pytest with the browser tests)
test: venv
	$(BIN)/ruff check .
	$(BIN)/mypy store/index/elasticsearch_index.py store/index/query_parser.py store/index/base.py services crawlers ingest/crawled.py config
	$(BIN)/pytest -q

bench: venv
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf $(VENV) $(DATA)
