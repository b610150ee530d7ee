"""YAML as Helm v4 reads and writes it, in one place (foundation layer).

- ``resolve``: go-yaml v2's (and v3's) resolution of plain scalars, the collection's one implementation.
- ``safe``: PyYAML's safe loader and dumper, the C (libyaml) classes where available: chosen once.
- ``decode``: the one Go-semantics loader (``GoYamlLoader``: go-yaml v2 decoding as sigs.k8s.io/yaml does it).
- ``load``: ``IndexLoader``, Helm's ``LoadValues`` and the YAML -> JSON trip.
- ``unmarshal``: sigs.k8s.io/yaml ``Unmarshal`` as ``fromYaml`` words it.
- ``aliases``: go-yaml's alias guards (recursive aliases, alias bombs) for every YAML entry point.
- ``emit``: the block emitter both go-yaml versions share; ``emit_v2``: ``toYaml`` (sigs.k8s.io/yaml over go-yaml
  v2); ``emit_v3``: ``toYamlPretty`` (go-yaml v3).
- ``errors``: the exception types and go-yaml's error texts.

Inside this package ``import yaml`` is PyYAML (absolute import); the package's own modules import each other
relatively. Nothing here imports engine, chart or any other domain package (tests/unit/test_layers.py).
"""
