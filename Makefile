# helmkit.core — developer entry points. See README.md.
PYTHON ?= python3
VENV   := $(CURDIR)/.venv
PY     := $(VENV)/bin/python
TREE   := $(CURDIR)/.tree
export ANSIBLE_COLLECTIONS_PATH := $(TREE)
export PYTHONPATH := $(TREE)

.PHONY: all venv tree system-deps test pytest sanity units demo clean

all: test

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

# An ansible_collections/helmkit/core tree that points at this checkout, so that
# `ansible_collections.helmkit.core...` imports and ANSIBLE_COLLECTIONS_PATH both work.
tree:
	@mkdir -p $(TREE)/ansible_collections/helmkit
	@ln -sfn $(CURDIR) $(TREE)/ansible_collections/helmkit/core

# Debian packages the tests need (docker-registry for OCI, htpasswd); installs only what is missing.
system-deps:
	@bash scripts/install-system-deps.sh

# The whole test suite: pytest (unit, conformance, integration), then ansible-test sanity.
test: pytest sanity

pytest: system-deps venv tree
	$(PY) -m pytest -q tests

# ansible-test sanity on a temporary ansible_collections/helmkit/core copy (.ci/sanity); ansible-test installs its
# tools (pylint, yamllint, ...) into venvs under ~/.ansible/test on the first run and reuses them afterwards.
sanity: venv
	.ci/sanity

# ansible-test units on a temporary ansible_collections/helmkit/core copy (.ci/units): tests/unit under ansible-test's
# pytest-xdist workers, with tests/unit/requirements.txt installed into ansible-test's own venv. Not part of `make test`
# (pytest already runs tests/unit there); UNITS_WORKERS=N sets the number of workers (default 2).
units: system-deps venv
	.ci/units

demo: venv tree
	$(PY) tests/demo/run_demo.py

clean:
	rm -rf $(TREE) .pytest_cache
