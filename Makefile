# sendco: `make run` serves the demo school; `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast system lint install worker clean help bench

help:
	@echo "make run    set everything up and serve the demo trust on http://127.0.0.1:$(PORT)"
	@echo "make test   set everything up and run the whole test suite (JOBS=1 for one process)"
	@echo "make test-fast   the suite without the browser journeys, for before a commit"
	@echo "make lint   ruff, migrations check and Django's deployment checks"
	@echo "make bench  build the 110-school trust (SCHOOLS=2 for a quick one) and time every page"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo
	@echo "sendco is starting on http://127.0.0.1:$(PORT)/ (Ctrl-C stops the web server, worker and beat)"
	@export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A sendco worker -B --loglevel=warning --concurrency=1 \
	    --schedule=var/celerybeat-schedule & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Parallel by default: one pytest-xdist worker per core, each with its own test database;
# worksteal lets an idle worker take tests queued for the other (the journeys are long).
JOBS ?= auto

test: system $(STAMP)
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m pytest -n $(JOBS) --dist worksteal

test-fast: system $(STAMP)
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m pytest -n $(JOBS) --dist worksteal -m "not browser"

# The Debian packages the tests need: installed when run as root, otherwise named.
system:
	@bash scripts/system-packages

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=production DEBUG=false SECRET_KEY=lint-only-$$(printf 'x%.0s' {1..60}) \
	  ALLOWED_HOSTS=sendco.example.org $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles var/celery

# The benchmark of issue 15 (BENCHMARKS.md): builds the trust on PostgreSQL if missing, serves it
# with the production settings under gunicorn on 127.0.0.1:8150 and loads every page with locust.
SCHOOLS ?= 110
USERS ?= 8
DURATION ?= full
bench: $(STAMP)
	SCHOOLS=$(SCHOOLS) USERS=$(USERS) DURATION=$(DURATION) bash scripts/bench
