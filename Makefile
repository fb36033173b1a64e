# Early Help Portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# pip-installed uv may not be on PATH until the shell rehashes: fall back to the module.
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
UV_RUN := $(UV) run --frozen

.PHONY: help install assets demo test test-fast test-unit test-integration test-e2e lint format audit bench bench-data bench-matching clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: ## Install what is missing: uv, Python packages from uv.lock, npm packages
	@command -v uv >/dev/null || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet "uv==0.13.8"
	$(UV) sync --frozen --quiet
	@[ -d node_modules ] || npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@[ -d devidp/node_modules ] || npm ci --prefix devidp --no-audit --no-fund --loglevel=error

assets: install ## Rebuild static/css and vendored JS from assets/ (commit the output)
	npm run --silent build

demo: install ## Run the portal with demo data, an embedded PostgreSQL and the development identity provider
	bash scripts/demo.sh

test: install ## Run every test: unit, integration (PostgreSQL) and browser, on every core
	bash scripts/test.sh

test-fast: install ## Unit and integration tests, no browser: the edit loop
	$(UV_RUN) pytest -n auto --dist loadfile tests/unit tests/integration

test-unit: install ## Unit tests only
	$(UV_RUN) pytest tests/unit

test-integration: install ## Integration tests (PostgreSQL)
	$(UV_RUN) pytest -n auto --dist loadfile tests/integration

test-e2e: install ## Browser tests in Chromium
	bash scripts/ensure-chromium.sh
	$(UV_RUN) pytest -n auto --dist loadfile tests/e2e

lint: install ## ruff check, ruff format --check, mypy (strict, tests included), import contracts
	$(UV_RUN) ruff check .
	$(UV_RUN) ruff format --check .
	$(UV_RUN) mypy portal plugins tests
	$(UV_RUN) lint-imports --no-logo

format: install ## Apply ruff's formatting and safe fixes
	$(UV_RUN) ruff format .
	$(UV_RUN) ruff check --fix .

BENCH_SCALE ?= 1
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/portal_bench

bench-data: install ## (Re)load the synthetic partnership into PostgreSQL (BENCH_SCALE=1: 200,000 families)
	$(UV_RUN) python bench/synthetic.py --scale $(BENCH_SCALE) --database-url $(BENCH_DATABASE_URL)

bench: install ## Load-test the main pages against a bare-page ceiling (loads bench data if missing)
	bash scripts/ensure-wrk.sh
	BENCH_SCALE=$(BENCH_SCALE) $(UV_RUN) python bench/run.py --database-url $(BENCH_DATABASE_URL)

bench-matching: install ## Find-before-create: the labelled pairs, then planted duplicates in the synthetic partnership
	$(UV_RUN) python bench/matching_quality.py
	$(UV_RUN) python bench/matching_population.py --database-url $(BENCH_DATABASE_URL)

audit: install ## Check the locked Python dependencies for known vulnerabilities
	mkdir -p var
	$(UV) export --frozen --no-emit-workspace --format requirements-txt > var/requirements-audit.txt
	$(UV_RUN) pip-audit --strict --disable-pip -r var/requirements-audit.txt

clean: ## Stop the demo's embedded database; remove local data and caches (not installed packages)
	@[ ! -f var/postgres/postmaster.pid ] || $(UV_RUN) portal db stop --data var/postgres
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
