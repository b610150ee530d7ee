# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Controller-side check shared by the lookups: a keyword that is not one of the lookup's options is an error.

ansible-core's ``set_options(direct=kwargs)`` reads only the documented options and drops any other keyword, so
``lookup('helmkit.core.helm_template', chart, valuess={...})`` would render without the values. The lookups call
:func:`check_keywords` first.
"""
from __future__ import annotations

import difflib

from ansible import constants as C
from ansible.errors import AnsibleLookupError


def check_keywords(lookup, kwargs: dict) -> None:
    """Raise AnsibleLookupError naming every key of ``kwargs`` that is neither an option nor an alias in the
    DOCUMENTATION of ``lookup`` (a LookupBase instance), with the closest option name when one is close and the
    list of options. Returns None when all are known."""
    name = getattr(lookup, "ansible_name", None) or lookup._load_name
    definitions = C.config.get_configuration_definitions("lookup", lookup._load_name) or {}
    options = sorted(key for key in definitions if not key.startswith("_"))  # not _terms
    known = set(options)
    for key in options:
        known.update(definitions[key].get("aliases") or [])
    unknown = sorted(set(kwargs) - known)
    if not unknown:
        return
    described = []
    for key in unknown:
        close = difflib.get_close_matches(key, sorted(known), n=1)
        described.append("%r (did you mean %r?)" % (key, close[0]) if close else repr(key))
    raise AnsibleLookupError("lookup %s: unknown keyword%s %s; its options are: %s"
                             % (name, "s" if len(unknown) > 1 else "", ", ".join(described),
                                ", ".join(options)))
