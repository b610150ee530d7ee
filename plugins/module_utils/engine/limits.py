"""Size limits that keep a hostile or broken chart from exhausting memory (see docs/limits.md).

Go's Sprig has no such limits: ``until 100000000`` allocates a 100-million-element slice and ``repeat`` a string of
any size, and Helm dies of memory exhaustion. helmkit stops earlier with a template error naming the function, the
size asked for and how to raise the limit. The limits are far above what real charts use (the 42-chart corpus uses
lists of at most a few hundred items). Raise them with environment variables on the host that runs the module:

* ``HELMKIT_MAX_LIST_LENGTH`` (default 1,000,000): longest list ``until``/``untilStep``/``seq`` may build;
* ``HELMKIT_MAX_STRING_BYTES`` (default 64 MiB): longest string ``repeat`` may build;
* ``HELMKIT_MAX_OUTPUT_BYTES`` (default 128 MiB): most output one template may produce in ``range`` loops
  (checked every 1024 iterations); the largest template of the 42-chart corpus renders under 2 MiB;
* ``HELMKIT_MAX_VALUES_BYTES`` (default 32 MiB): largest values document (a values file, ``values.yaml``) parsed;
  parsing YAML takes some 20 times its size in memory, so a 100 MB values file would need about 2 GB.
"""
from __future__ import annotations

import os

DEFAULT_MAX_LIST_LENGTH = 1000000
DEFAULT_MAX_STRING_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_VALUES_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_OUTPUT_BYTES = 128 * 1024 * 1024


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_list_length() -> int:
    """The list-length limit (``HELMKIT_MAX_LIST_LENGTH`` or 1,000,000)."""
    return _env_int("HELMKIT_MAX_LIST_LENGTH", DEFAULT_MAX_LIST_LENGTH)


def max_string_bytes() -> int:
    """The string-size limit in bytes (``HELMKIT_MAX_STRING_BYTES`` or 64 MiB)."""
    return _env_int("HELMKIT_MAX_STRING_BYTES", DEFAULT_MAX_STRING_BYTES)


def list_limit_message(func: str, length: int) -> str:
    return ("%s would build a list of %d items, over helmkit's limit of %d; if the chart really needs it, raise the "
            "limit with the environment variable HELMKIT_MAX_LIST_LENGTH" % (func, length, max_list_length()))


def string_limit_message(func: str, size: int) -> str:
    return ("%s would build a string of %d bytes, over helmkit's limit of %d; if the chart really needs it, raise "
            "the limit with the environment variable HELMKIT_MAX_STRING_BYTES" % (func, size, max_string_bytes()))


def max_values_bytes() -> int:
    """The values-document size limit in bytes (``HELMKIT_MAX_VALUES_BYTES`` or 32 MiB)."""
    return _env_int("HELMKIT_MAX_VALUES_BYTES", DEFAULT_MAX_VALUES_BYTES)


def max_output_bytes() -> int:
    """The per-template output limit in bytes (``HELMKIT_MAX_OUTPUT_BYTES`` or 128 MiB)."""
    return _env_int("HELMKIT_MAX_OUTPUT_BYTES", DEFAULT_MAX_OUTPUT_BYTES)


def output_limit_message(size: int) -> str:
    return ("the template's output reached %d bytes, over helmkit's limit of %d; if the chart really renders that "
            "much, raise the limit with the environment variable HELMKIT_MAX_OUTPUT_BYTES"
            % (size, max_output_bytes()))
