"""The kubeapi emulator's own tests (collected by pytest from tests/; see tests/kubeapi/README.md)."""
