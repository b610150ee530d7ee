# helmkit.core — developer entry points. See README.md.
PYTHON ?= python3
VENV   := $(CURDIR)/.venv
PY     := $(VENV)/bin/python
TREE   := $(CURDIR)/.tree
export ANSIBLE_COLLECTIONS_PATH := $(TREE)
export PYTHONPATH := $(TREE)

.PHONY: all venv tree system-deps test pytest floor sanity docs units demo cluster shell clean

all: test

$(VENV)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-test.txt
	touch $@

venv: $(VENV)/.installed

# A second venv with the oldest releases requirements.txt allows (requirements-floor.txt), for `make floor`.
FLOOR := $(CURDIR)/.venv-floor
$(FLOOR)/.installed: requirements.txt requirements-test.txt requirements-floor.txt
	$(PYTHON) -m venv $(FLOOR)
	$(FLOOR)/bin/pip install -q --upgrade pip
	$(FLOOR)/bin/pip install -q -r requirements-test.txt -c requirements-floor.txt
	touch $@

# An ansible_collections/helmkit/core tree that points at this checkout, so that
# `ansible_collections.helmkit.core...` imports and ANSIBLE_COLLECTIONS_PATH both work.
tree:
	@mkdir -p $(TREE)/ansible_collections/helmkit
	@ln -sfn $(CURDIR) $(TREE)/ansible_collections/helmkit/core

# Debian packages the tests need (docker-registry for OCI, htpasswd); installs only what is missing.
system-deps:
	@bash scripts/install-system-deps.sh

# The whole test suite: pytest (everything under tests/), ansible-test sanity and the docs site build. Each part runs
# even when an earlier one failed; `make test` names the failed parts and exits non-zero if any failed.
test:
	@failed=""; \
	$(MAKE) --no-print-directory pytest || failed="$$failed pytest"; \
	$(MAKE) --no-print-directory floor || failed="$$failed floor"; \
	$(MAKE) --no-print-directory sanity || failed="$$failed sanity"; \
	$(MAKE) --no-print-directory docs || failed="$$failed docs"; \
	if [ -n "$$failed" ]; then echo "make test: failed:$$failed" >&2; exit 1; fi; \
	echo "make test: pytest, floor, sanity and docs passed"

# Every test pytest collects under tests/: unit (tests/unit), conformance against Helm v4 (tests/conformance),
# integration through ansible-playbook (tests/integration), reliability (tests/reliability: hostile input, server
# faults, interruptions, leaked secrets), fuzz (tests/fuzz) and the Kubernetes API emulator's own tests
# (tests/kubeapi/tests).
pytest: system-deps venv tree
	$(PY) -m pytest -q tests

# The oldest supported releases (requirements-floor.txt: ansible-core 2.16, kubernetes 29) on what they change: the
# cluster connection (tests/unit/kube) and releases installed, upgraded and removed through ansible-playbook, which
# on ansible-core before 2.19 runs helm_release as an AnsiballZ module instead of in the action plugin's process.
floor: system-deps tree $(FLOOR)/.installed
	$(FLOOR)/bin/python -c "import ansible.release, kubernetes; print('floor: ansible-core', ansible.release.__version__, 'kubernetes', kubernetes.__version__)"
	$(FLOOR)/bin/python -m pytest -q tests/unit/kube tests/integration/test_kcore_options.py \
	  "tests/integration/test_helm_release.py::test_lifecycle" tests/integration/test_helm_release_lifecycle_module.py

# ansible-test sanity on a temporary ansible_collections/helmkit/core copy (.ci/sanity); ansible-test installs its
# tools (pylint, yamllint, ...) into venvs under ~/.ansible/test on the first run and reuses them afterwards.
sanity: venv
	.ci/sanity

# ansible-test units on a temporary ansible_collections/helmkit/core copy (.ci/units): tests/unit only (the other
# folders of tests/ are not unit tests and run only under `make pytest`), under ansible-test's pytest-xdist workers,
# with tests/unit/requirements.txt installed into ansible-test's own venv. Not part of `make test` (`make pytest`
# already runs tests/unit there); UNITS_WORKERS=N sets the number of workers (default 2).
units: system-deps venv
	.ci/units

# The collection's documentation site (antsibull-docs, from the plugins' own documentation) in .docs-site/build;
# any antsibull-docs warning fails the build (.ci/docs).
docs: venv
	.ci/docs

demo: venv tree
	$(PY) tests/demo/run_demo.py

# The test Kubernetes API emulator on 127.0.0.1 for your own playbooks, until Ctrl-C: prints the KUBECONFIG to use
# (.demo/cluster/kubeconfig; objects are kept in .demo/cluster/state across restarts).
cluster: venv tree
	$(PY) tests/demo/cluster.py

# A shell with .venv's ansible-playbook first on PATH, the collection on ANSIBLE_COLLECTIONS_PATH and, when
# `make cluster` runs, its KUBECONFIG.
shell: venv tree
	@echo "helmkit.core shell: ansible-playbook from .venv, collection from .tree; 'exit' to leave"
	@PATH="$(VENV)/bin:$$PATH" VIRTUAL_ENV="$(VENV)" \
	  KUBECONFIG="$$(if [ -f $(CURDIR)/.demo/cluster/kubeconfig ]; then echo $(CURDIR)/.demo/cluster/kubeconfig; \
	                else echo "$$KUBECONFIG"; fi)" \
	  ANSIBLE_PYTHON_INTERPRETER="$(PY)" $${SHELL:-/bin/bash} -i

clean:
	rm -rf $(TREE) .pytest_cache .docs-site
