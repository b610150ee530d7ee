"""Helm v4 plugins in Helm's plugin directory: manifests (``plugin.yaml``, apiVersion v1 and legacy), installation
and removal (install.py), and running subprocess plugins as post-renderers and getters (run.py).

Sources: helm/helm internal/plugin (loader.go, metadata_v1.go, metadata_legacy.go, runtime_subprocess.go,
installer/). Plain Python, no Ansible imports.
"""
