"""Go standard-library behaviour that Helm's output depends on, each ported once (foundation layer).

- ``strconv``: ``strconv.Quote`` / ``QuoteToASCII`` / ``QuoteRune`` (fmt's ``%q``), ``FormatFloat(x, 'g', -1, 64|32)``
  and encoding/json's float format.
- ``duration``: ``time.ParseDuration`` and ``time.Duration.String`` (with Go's overflow checks and error texts).
- ``filepath``: ``path/filepath.Match`` with '/' separators.
- ``flate``: ``compress/flate``'s writer at DefaultCompression and ``compress/gzip``'s framing, byte for byte (Helm's
  chart archives).

Nothing here imports another package of the collection: engine, chart, repo, release and the plugins import
from here, never the reverse (tests/unit/test_layers.py holds the rule).
"""
