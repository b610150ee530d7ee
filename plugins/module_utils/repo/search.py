"""``helm search repo``: keyword search over the cached indexes of the repositories in repositories.yaml.

Behaviour follows Helm ``pkg/cmd/search_repo.go`` and its search package (``cmd/helm/search/search.go``):

* each chart version is indexed as the line ``<chart>\\v<repo>/<chart>\\v<description>\\v<keywords joined by " ">``;
* a literal term matches case-insensitively anywhere in that line, a regular expression case-sensitively; the
  score is the number of ``\\v`` separators before the match (0 = chart name, 1 = ``repo/chart``,
  2 = description, 3 = keywords). Results are sorted by score, then by ``repo/chart`` name, then newest version
  first;
* the version constraint defaults to ``>0.0.0`` (``>0.0.0-0`` with ``devel``); without ``versions`` only the
  first (newest) matching version of each chart is kept;
* a repository whose cache is missing or unreadable is skipped (Helm prints a warning) and reported in
  :attr:`SearchResult.skipped`, and reported as a warning (``report.warn``).

Regular expressions have Go's RE2 syntax and semantics, through the project's one Go regexp entry point
(``gocompat/regexp.py: compile_go``). helmkit extensions: ``allow``/``deny``, regular expressions searched in
``repo/chart``, and ``version_from``/``version_to``, an inclusive version range applied with the constraint.
"""
from __future__ import annotations

from ..gocompat.regexp import RegexpError, compile_go
from ..errors import RepositoryError
from ..report import warn
from ..semver import SemverError, parse_constraint, parse_version
from .config import helm_paths, index_cache_path, load_repository_file
from .index import load_cached_index, redact_url, resolve_reference_url

__all__ = ["SearchResult", "search_repositories", "compile_pattern", "version_range", "MAX_SCORE"]

# Helm's searchMaxScore: a match beyond this many separators is not relevant.
MAX_SCORE = 25
_SEP = "\v"


class SearchResult(object):
    """``charts``: list of dicts (see :func:`search_repositories`); ``skipped``: list of ``(repository, reason)``."""

    __slots__ = ("charts", "skipped")

    def __init__(self, charts, skipped):
        self.charts = charts
        self.skipped = skipped


def _line(repo_name, cv):
    return _SEP.join([cv.name, "%s/%s" % (repo_name, cv.name), cv.description, " ".join(str(k) for k in cv.keywords)])


def _score(position, line):
    """Separators before ``position`` in ``line`` (Helm's calcScore)."""
    return line.count(_SEP, 0, position)


def compile_pattern(pattern, what):
    """Compile ``pattern`` as a Go (RE2) regular expression; ``what`` names the option in the error.

    Returns the compiled object (``.search(text)``). Raises RepositoryError carrying RE2's message
    (``error parsing regexp: ...``) for an invalid pattern.
    """
    try:
        return compile_go(str(pattern), must=True)
    except RegexpError as exc:
        raise RepositoryError("%s %r is not a valid regular expression: %s; write it in Go's RE2 syntax"
                              % (what, pattern, exc)) from None


def _bound(text, option):
    try:
        return parse_version(str(text))
    except SemverError as exc:
        raise RepositoryError('%s "%s" is not a version: %s; use e.g. "1.0" or "2.1.3"' % (option, text, exc))


def version_range(version_from=None, version_to=None):
    """A predicate ``Version -> bool`` for the inclusive range [``version_from``, ``version_to``] (either end may
    be None: open). Bounds are Masterminds versions (``1.0`` means ``1.0.0``), compared with semver precedence.
    Raises RepositoryError naming the option when a bound is not a version or the range is empty."""
    low = _bound(version_from, "version_from") if version_from not in (None, "") else None
    high = _bound(version_to, "version_to") if version_to not in (None, "") else None
    if low is not None and high is not None and low > high:
        raise RepositoryError("version_from %s is newer than version_to %s: no version can match; swap them"
                              % (version_from, version_to))
    return lambda v: (low is None or v >= low) and (high is None or v <= high)


def _matcher(term, regexp):
    """A function ``line -> match position or -1`` for ``term``."""
    if regexp:
        compiled = compile_pattern(term, "search term")

        def find(line):
            match = compiled.search(line)
            return match.start() if match else -1
        return find
    lowered = term.lower()
    return lambda line: line.lower().find(lowered)


def _candidates(repositories, cache_dir, skipped):
    """``(repo name, repo url, ChartVersion)`` for every version of every chart in the readable caches."""
    for entry in repositories:
        try:
            index = load_cached_index(index_cache_path(cache_dir, entry.name))
        except RepositoryError as exc:
            hint = "" if getattr(exc, "limit", None) else "; run helmkit.core.helm_repository with update_cache: true"
            reason = "%s%s" % (exc, hint)
            skipped.append((entry.name, reason))
            warn("repository %s skipped: %s" % (entry.name, reason))
            continue
        for versions in index.entries.values():
            for cv in versions:
                yield entry.name, entry.url, cv


def _as_dict(repo_name, repo_url, cv, score):
    return {
        "name": "%s/%s" % (repo_name, cv.name), "chart": cv.name, "repository": repo_name,
        "version": cv.version, "app_version": cv.app_version, "description": cv.description,
        "keywords": [str(k) for k in cv.keywords], "deprecated": cv.deprecated, "digest": cv.digest,
        "created": cv.created, "urls": [redact_url(resolve_reference_url(repo_url, u)) for u in cv.urls], "score": score,
    }


def search_repositories(terms=None, regexp=False, version=None, versions=False, devel=False, allow=None,
                        deny=None, repositories=None, repository_config=None, repository_cache=None,
                        version_from=None, version_to=None):
    """Search the cached indexes of configured repositories like ``helm search repo``.

    ``terms``: list of strings joined with a space (Helm joins its arguments); empty/None lists every chart.
    ``regexp``: treat the joined term as a regular expression. ``version``: a Masterminds constraint
    (default ``>0.0.0``, or ``>0.0.0-0`` with ``devel``). ``versions``: True for every matching version, not only
    the newest. ``allow``/``deny``: lists of regular expressions searched in ``repo/chart``: a chart is kept when
    it matches any ``allow`` (when given) and no ``deny``. ``repositories``: names to search (default all).
    ``version_from``/``version_to``: inclusive version bounds, applied together with the constraint (see
    :func:`version_range`). Regular expressions are Go's (RE2).

    Returns :class:`SearchResult`; each chart dict has ``name`` (``repo/chart``), ``chart``, ``repository``,
    ``version``, ``app_version``, ``description``, ``keywords``, ``deprecated``, ``digest``, ``created``,
    ``urls`` (absolute) and ``score``. Raises RepositoryError for an invalid constraint or regular expression,
    an unreadable repositories.yaml, or a repository name that is not configured.
    """
    constraint_text = version or (">0.0.0-0" if devel else ">0.0.0")
    try:
        constraint = parse_constraint(constraint_text)
    except SemverError as exc:
        raise RepositoryError('an invalid version/constraint format "%s": %s; use e.g. "^1.2", ">=1.0 <2" or '
                              "an exact version" % (constraint_text, exc))
    in_range = version_range(version_from, version_to)
    allow_res = [compile_pattern(p, "allow pattern") for p in (allow or [])]
    deny_res = [compile_pattern(p, "deny pattern") for p in (deny or [])]
    term = " ".join(str(t) for t in (terms or []))
    find = _matcher(term, regexp) if term else None

    paths = helm_paths(repository_config, repository_cache)
    configured = load_repository_file(paths.repository_config).repositories
    if repositories:
        known = set(e.name for e in configured)
        unknown = [n for n in repositories if n not in known]
        if unknown:
            raise RepositoryError("repository %s not configured in %s; configured: %s"
                                  % (", ".join(unknown), paths.repository_config,
                                     ", ".join(sorted(known)) or "none"))
        configured = [e for e in configured if e.name in set(repositories)]

    skipped, found = [], []
    for repo_name, repo_url, cv in _candidates(configured, paths.repository_cache, skipped):
        full_name = "%s/%s" % (repo_name, cv.name)
        if allow_res and not any(r.search(full_name) for r in allow_res):
            continue
        if any(r.search(full_name) for r in deny_res):
            continue
        score = 0
        if find is not None:
            line = _line(repo_name, cv)
            position = find(line)
            if position < 0:
                continue
            score = _score(position, line)
            if score >= MAX_SCORE:
                continue
        found.append((score, full_name, parse_version(cv.version), repo_name, repo_url, cv))
    # score ascending, name ascending, newest version first
    found.sort(key=lambda item: item[2], reverse=True)
    found.sort(key=lambda item: (item[0], item[1]))
    charts, seen = [], set()
    for score, full_name, parsed, repo_name, repo_url, cv in found:
        if not versions and full_name in seen:
            continue
        if constraint.check(parsed) and in_range(parsed):
            charts.append(_as_dict(repo_name, repo_url, cv, score))
            seen.add(full_name)
    return SearchResult(charts, skipped)
