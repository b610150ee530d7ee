"""helmkit.core's template engine: Go's text/template, Sprig and Helm's functions in pure Python.

The text/template core is ``template.TemplateSet`` (parse with ``add``, run with ``execute``); errors are
``errors.TemplateParseError`` / ``errors.TemplateExecError`` with Go's messages. See docs/architecture.md.
"""
from __future__ import annotations
