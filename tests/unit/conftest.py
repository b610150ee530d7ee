"""Set-up for tests/unit under ansible-test units (.ci/units, `make units`); under plain pytest (make pytest)
tests/conftest.py has already done the path part and the rest does nothing.

Paths: ansible-test imports every test file as a module of the ``ansible_collections.helmkit.core.tests.unit...``
package, so the checkout root (for ``tests.helpers``) and ``tests/`` (for the emulator, ``kubeapi``) are put on
sys.path here.

One process per worker, not one fork per test: ansible-test loads its ``ansible_forked`` plugin, which runs every test
in an os.fork() child of the pytest-xdist worker. The reference, helm-python-sdk, is Helm's Go code in a shared
library that starts the Go runtime (its threads) when ``helm_python`` is imported, at collection time in the worker.
A forked child keeps only the forking thread, so its first Helm call that needs another Go thread blocks for ever in
the Go scheduler (runtime.notesleep / stoplockedm): the run hung. Forking per test also set up every session fixture
(kubeapi emulator, chart repository, OCI registry) again in each child and never tore it down. So the plugin is
unregistered here and the tests run in the worker itself, as under plain pytest, where they are written to be
isolated (tmp_path, private Helm homes, fixtures that clean up).
"""
import os
import sys

UNIT = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(UNIT)
ROOT = os.path.dirname(TESTS)

for path in (ROOT, TESTS):
    if path not in sys.path:
        sys.path.append(path)


def pytest_configure(config):
    """Unregister ansible-test's fork-per-test plugin (see the module docstring); absent under plain pytest."""
    forked = config.pluginmanager.get_plugin("ansible_forked")
    if forked is not None:
        config.pluginmanager.unregister(forked)
