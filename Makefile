# Lien: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the whole suite.
PYTHON ?= python3
UV := $(PYTHON) -m uv
PY := .venv/bin/python
SCALE ?= 1
PYTEST_WORKERS ?= 2

.PHONY: install run test lint format bench messages chromium

install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@$(UV) sync --frozen --quiet

run: install
	@$(PY) manage.py generate_keys
	@$(PY) manage.py migrate --noinput -v0
	@LIEN_DEMO=1 $(PY) manage.py load_demo
	@echo "Serving Lien on http://127.0.0.1:8000 (Ctrl-C to stop)"
	@LIEN_DEMO=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: install
	@$(PY) manage.py generate_keys
	$(PY) manage.py bench --scale $(SCALE) $(if $(JSON),--json $(JSON),)

messages: install
	$(PY) manage.py makemessages -l fr -l nl -l en --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv
