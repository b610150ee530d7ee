"""``helm repo update`` with no name: refresh the cached index of every configured repository in parallel.

Like Helm (``pkg/cmd/repo_update.go``), each repository is downloaded concurrently; one that cannot be updated is
reported ("Unable to get an update from ...") and the others go on. Each index is written the way
:func:`~.index.update_index_cache` writes it; in check mode it is downloaded and compared, never written.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..errors import HelmkitError, RepositoryError
from .config import index_cache_path
from .index import fetch_index, read_index_file, redact_url, update_index_cache

__all__ = ["update_repositories", "MAX_WORKERS"]

#: Most repositories downloaded at once.
MAX_WORKERS = 8


def _read(path):
    """The cached index bytes before the update, or None when missing, unreadable or over the index limit (then
    it is replaced, never compared)."""
    try:
        return read_index_file(path)
    except RepositoryError:
        return None


def _update_one(entry, cache_dir, http_options, check_mode):
    path = index_cache_path(cache_dir, entry.name)
    before = _read(path)
    try:
        if check_mode:
            data, _index = fetch_index(entry.url, **http_options)
        else:
            update_index_cache(cache_dir, entry.name, entry.url, repository="", **http_options)  # named below
            data = _read(path)
    except HelmkitError as exc:
        return {"name": entry.name, "url": redact_url(entry.url), "changed": False, "failed": True,
                "msg": 'Unable to get an update from the "%s" chart repository (%s): %s'
                       % (entry.name, redact_url(entry.url), exc)}
    return {"name": entry.name, "url": redact_url(entry.url), "changed": data != before, "failed": False}


def update_repositories(entries, cache_dir, http_options_for, check_mode=False, workers=MAX_WORKERS):
    """Refresh the cached index of every repository in ``entries`` (RepositoryEntry list) concurrently.

    ``http_options_for(entry)`` gives :func:`~.index.http_get`'s keyword arguments for that repository.
    Returns one dict per repository, in the order given: ``name``, ``url`` (password redacted), ``changed``
    (the cached index bytes differ, or would in check mode), ``failed`` and, when failed, ``msg`` in Helm's words.
    Never raises for one repository's failure.
    """
    entries = list(entries)
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(entries)))) as pool:
        futures = [pool.submit(_update_one, entry, cache_dir, http_options_for(entry), check_mode)
                   for entry in entries]
        return [future.result() for future in futures]
