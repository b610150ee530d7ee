"""Property test: for random chart defaults, subchart defaults and user values (nulls, nested maps, lists,
globals), our coalesced `.Values` equal the ones Helm v4 gives templates."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.helmkit.core.plugins.module_utils.yaml.load import to_json_values
from ansible_collections.helmkit.core.plugins.module_utils.chart.loader import load_chart
from ansible_collections.helmkit.core.plugins.module_utils.chart.values import coalesce_values, process_dependencies

from tests.helpers.corpus import helm_rendered_values

KEYS = st.sampled_from(["a", "b", "c", "global", "sub", "enabled"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["x", "y", ""]))
VALUES = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=2), st.dictionaries(KEYS, children, max_size=3)), max_leaves=8)
TREES = st.dictionaries(KEYS, VALUES, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=TREES, sub=TREES, user=TREES)
def test_random_values_coalesce_like_helm(make_chart, top, sub, user):
    path = make_chart({
        "Chart.yaml": "apiVersion: v2\nname: top\nversion: 0.1.0\ndependencies:\n"
                      "  - {name: sub, version: 0.1.0, condition: sub.enabled}\n",
        "values.yaml": json.dumps(top),
        "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        "charts/sub/values.yaml": json.dumps(sub),
    })
    try:
        expected = helm_rendered_values(path, user)
    except Exception as exc:  # Helm refuses some trees (e.g. a non-map under the subchart's key)
        try:
            chart = process_dependencies(load_chart(path), to_json_values(user))
            coalesce_values(chart, to_json_values(user))
        except Exception:
            return
        raise AssertionError("Helm failed but we did not: %s" % exc)
    chart = process_dependencies(load_chart(path), to_json_values(user))
    assert coalesce_values(chart, to_json_values(user)) == expected
