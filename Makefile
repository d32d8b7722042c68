# coidesk — two commands for a new user: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= var

ENGINES_ENV ?= /tmp/coidesk-engines/env
# The tests that also run in the at-scale configuration (PostgreSQL + the Elasticsearch-API server); the rest
# (analysers, crawlers, pages in Chromium) does not touch the database or the engine differently
SCALE_TESTS ?= tests/store tests/ingest tests/engines tests/test_cli.py tests/search_api/test_api.py \
	tests/search_api/test_access.py tests/search_api/test_reports.py tests/search_api/test_decisions.py \
	tests/search_api/test_security.py tests/search_api/test_sessions.py tests/search_api/test_hybrid.py \
	tests/search_api/test_places.py tests/search_api/test_sources.py tests/search_api/test_verify.py \
	tests/search_api/test_schema_fuzz.py tests/search_api/test_alerts.py tests/search_api/test_batch_export.py

.PHONY: run test test-scale engines-up engines-down venv demo serve lint typecheck bench clean

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

## Run the whole test suite (ruff, mypy, pytest with the browser tests); when the at-scale servers are up
## (`make engines-up`), the engine contract runs on both engines and the store tests run on PostgreSQL too
test: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy store/index/elasticsearch_index.py store/index/query_parser.py store/index/base.py services crawlers ingest/crawled.py config
	if [ -f $(ENGINES_ENV) ]; then . $(ENGINES_ENV); fi; $(BIN)/pytest -q
	if [ -f $(ENGINES_ENV) ]; then $(MAKE) test-scale; fi

## The same tests in the at-scale configuration: PostgreSQL and the Elasticsearch-API server
test-scale: venv
	. $(ENGINES_ENV) && COIDESK_TEST_CONFIG=scale $(BIN)/pytest -q $(SCALE_TESTS)

## Start the at-scale test servers on 127.0.0.1 (OpenSearch from Maven Central, a throwaway PostgreSQL)
engines-up:
	mkdir -p $(dir $(ENGINES_ENV))
	tests/engines/servers start > $(ENGINES_ENV).tmp && mv $(ENGINES_ENV).tmp $(ENGINES_ENV)

engines-down:
	tests/engines/servers stop
	rm -f $(ENGINES_ENV)

bench: venv
	$(BIN)/python bench/search_bench.py

clean:
	rm -rf $(VENV) $(DATA)
