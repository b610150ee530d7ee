"""Errors of the Go text/template engine.

``TemplateParseError`` and ``TemplateExecError`` carry Go's own message text (``template: NAME:LINE: ...`` and
``template: NAME:LINE:COL: executing "NAME" at <NODE>: ...``), so Helm users see what Helm would print.
``FuncError`` is what template functions raise: its message is the function's error only; the executor wraps it
into ``error calling FUNC: MESSAGE`` (text/template/exec.go, evalCall).
"""
from __future__ import annotations

from ..errors import HelmkitError


class TemplateError(HelmkitError):
    """Base class of every error of the template engine; ``str()`` is the whole message."""


class TemplateParseError(TemplateError):
    """A template could not be lexed or parsed (text/template/parse). Message in Go's format."""


class TemplateExecError(TemplateError):
    """Executing a template failed (text/template/exec.go). Message in Go's format.

    ``name`` is the template being executed, ``line``/``col`` the position of the failing node (0 when unknown).
    """

    def __init__(self, message: str, name: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.name = name
        self.line = line
        self.col = col


class FuncError(TemplateError):
    """Raised by a template function; the message is the function's error text only (no prefix)."""
