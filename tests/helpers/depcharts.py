"""Helpers for dependency tests: charts with dependencies, snapshots of ``charts/`` plus the lock."""
from __future__ import annotations

import os
import shutil

import yaml

PODINFO_VERSIONS = ("6.9.0", "6.15.0", "7.0.0-rc.1")


def write_chart(directory, name, dependencies=None, version="1.0.0", api_version="v2"):
    """Write a minimal chart ``directory`` (Chart.yaml, a template) with ``dependencies``; return its path."""
    os.makedirs(os.path.join(directory, "templates"), exist_ok=True)
    meta = {"apiVersion": api_version, "name": name, "version": version}
    if dependencies and api_version == "v2":
        meta["dependencies"] = dependencies
    with open(os.path.join(directory, "Chart.yaml"), "w") as fh:
        yaml.safe_dump(meta, fh, sort_keys=False)
    if dependencies and api_version == "v1":
        with open(os.path.join(directory, "requirements.yaml"), "w") as fh:
            yaml.safe_dump({"dependencies": dependencies}, fh, sort_keys=False)
    with open(os.path.join(directory, "templates", "cm.yaml"), "w") as fh:
        fh.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-%s\n" % name)
    return str(directory)


def snapshot(chart_dir):
    """``{relative path: bytes}`` of the lock files and everything under ``charts/`` (plus stray temp dirs)."""
    out = {}
    for root, dirs, files in os.walk(chart_dir):
        rel_root = os.path.relpath(root, chart_dir)
        for name in files:
            rel = os.path.normpath(os.path.join(rel_root, name))
            if rel.startswith("charts") or rel.endswith(".lock") or rel_root != ".":
                with open(os.path.join(root, name), "rb") as fh:
                    out[rel] = fh.read()
        for name in dirs:
            out[os.path.normpath(os.path.join(rel_root, name)) + "/"] = b""
    return out


def helm_copy(chart_dir, suffix="-helm"):
    """A copy of ``chart_dir`` beside it (so that ``file://../x`` resolves the same) for helm_python to work on."""
    target = str(chart_dir).rstrip("/") + suffix
    shutil.copytree(str(chart_dir), target)
    return target


def read_lock(path):
    with open(path) as fh:
        return yaml.safe_load(fh)
