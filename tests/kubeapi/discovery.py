"""Discovery and OpenAPI documents generated from the ResourceTable.

- legacy: /api (APIVersions), /apis (APIGroupList), /api/v1 and /apis/<g>/<v> (APIResourceList);
- aggregated: APIGroupDiscoveryList (apidiscovery.k8s.io/v2) for /api and /apis;
- OpenAPI v3: /openapi/v3 index of group-versions with ?hash= URLs, and one document per group-version whose
  PATCH operations carry x-kubernetes-group-version-kind and the fieldValidation parameter (what
  k8s.io/cli-runtime's QueryParamVerifierV3 looks for).
Shapes: k8s.io/apimachinery/pkg/apis/meta/v1/types.go, k8s.io/api/apidiscovery/v2/types.go.
"""
from __future__ import annotations

import hashlib
import json

from . import openapi_schemas

AGGREGATED_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
SERVER_ADDRESS = [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]


def wants_aggregated(accept: str) -> bool:
    """Whether an Accept header asks for aggregated discovery in the version a v1.30+ server serves: an entry
    ``application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`` (parameters in any order). Only
    ``v2beta1`` (removed in v1.33) or plain ``application/json`` get the legacy documents."""
    for entry in accept.split(","):
        parts = [p.strip() for p in entry.split(";")]
        params = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        if parts[0] == "application/json" and params.get("g") == "apidiscovery.k8s.io" \
                and params.get("v") == "v2" and params.get("as") == "APIGroupDiscoveryList":
            return True
    return False


def _verbs(resource):
    return ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def api_versions():
    """GET /api (legacy): APIVersions."""
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": SERVER_ADDRESS}


def api_group_list(table):
    """GET /apis (legacy): APIGroupList of every non-core group."""
    groups = []
    for group, versions in table.groups():
        if not group:
            continue
        vs = [{"groupVersion": "%s/%s" % (group, v), "version": v} for v in versions]
        groups.append({"name": group, "versions": vs, "preferredVersion": vs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_resource_list(table, group, version):
    """GET /api/v1 or /apis/<g>/<v>: APIResourceList, or None when the group-version is not served."""
    rs = table.in_group_version(group, version)
    if not rs:
        return None
    out = []
    for r in rs:
        entry = {"name": r.plural, "singularName": r.singular, "namespaced": r.namespaced, "kind": r.kind,
                 "verbs": _verbs(r)}
        if r.short_names:
            entry["shortNames"] = r.short_names
        if r.categories:
            entry["categories"] = r.categories
        entry["storageVersionHash"] = _hash(r.group_version + r.kind)[:12]
        out.append(entry)
        if r.status:
            out.append({"name": r.plural + "/status", "singularName": "", "namespaced": r.namespaced,
                        "kind": r.kind, "verbs": ["get", "patch", "update"]})
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": r.group_version, "resources": out}


def aggregated(table, core):
    """Aggregated discovery: core=True for /api (the '' group), False for /apis."""
    items = []
    for group, versions in table.groups():
        if bool(group) == core:
            continue
        vlist = []
        for v in versions:
            resources = []
            for r in table.in_group_version(group, v):
                entry = {"resource": r.plural,
                         "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                         "scope": "Namespaced" if r.namespaced else "Cluster",
                         "singularResource": r.singular, "verbs": _verbs(r)}
                if r.short_names:
                    entry["shortNames"] = r.short_names
                if r.categories:
                    entry["categories"] = r.categories
                if r.status:
                    entry["subresources"] = [{"subresource": "status", "responseKind": {
                        "group": r.group, "version": r.version, "kind": r.kind}, "verbs": ["get", "patch",
                                                                                           "update"]}]
                resources.append(entry)
            vlist.append({"version": v, "resources": resources, "freshness": "Current"})
        meta = {"name": group, "creationTimestamp": None} if group else {"creationTimestamp": None}
        items.append({"metadata": meta, "versions": vlist})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
            "items": items}


def _hash(text):
    return hashlib.sha512(text.encode()).hexdigest().upper()


def etag(document):
    """Strong ETag for a JSON document (quoted hex digest)."""
    return '"%s"' % _hash(json.dumps(document, sort_keys=True))[:64]


def _gv_path(group, version):
    return "api/" + version if not group else "apis/%s/%s" % (group, version)


def openapi_index(table):
    """GET /openapi/v3: {"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=..."}}}."""
    paths = {}
    for group, versions in table.groups():
        for v in versions:
            doc = openapi_document(table, group, v)
            p = _gv_path(group, v)
            paths[p] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (p, _hash(json.dumps(doc,
                                                                                             sort_keys=True))[:128])}
    return {"paths": paths}


_QUERY_PARAMS = [
    ("dryRun", "When present, indicates that modifications should not be persisted."),
    ("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
    ("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request "
                        "containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict."),
]


def openapi_document(table, group, version):
    """The OpenAPI v3 document of one group-version, or None when it is not served."""
    rs = table.in_group_version(group, version)
    if not rs:
        return None
    prefix = "/" + _gv_path(group, version)
    paths = {}
    schemas = {}
    for r in rs:
        gvk = {"group": r.group, "version": r.version, "kind": r.kind}
        ref = "%s.%s.%s" % (r.group or "core", r.version, r.kind)
        schemas[ref] = {"type": "object", "x-kubernetes-group-version-kind": [gvk],
                        "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                       "metadata": {"type": "object"}, "spec": {"type": "object"},
                                       "status": {"type": "object"}}}
        schemas[ref]["properties"].update(openapi_schemas.root_properties(r.kind, r.crd is None))
        body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/" + ref}}}}
        params = [{"name": n, "in": "query", "description": d, "schema": {"type": "string", "uniqueItems": True}}
                  for n, d in _QUERY_PARAMS]
        patch_params = params + [{"name": "force", "in": "query", "schema": {"type": "boolean",
                                                                             "uniqueItems": True}}]
        item = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.plural + "/{name}"
        ops = {}
        for verb, action, ps in (("get", "get", []), ("put", "put", params), ("patch", "patch", patch_params),
                                 ("delete", "delete", params)):
            ops[verb] = {"operationId": "%s%s" % (verb, r.kind), "parameters": ps, "requestBody": body,
                         "responses": {"200": body}, "x-kubernetes-action": action,
                         "x-kubernetes-group-version-kind": gvk}
        ops["get"].pop("requestBody")
        paths[item] = ops
        coll = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + r.plural
        paths[coll] = {"get": {"operationId": "list%s" % r.kind, "x-kubernetes-action": "list",
                               "x-kubernetes-group-version-kind": gvk, "responses": {"200": body}},
                       "post": {"operationId": "create%s" % r.kind, "x-kubernetes-action": "post",
                                "x-kubernetes-group-version-kind": gvk, "parameters": params,
                                "requestBody": body, "responses": {"201": body}}}
    schemas.update(openapi_schemas.COMPONENTS)  # the patch metadata k8s.io/api's types carry
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.36.2"}, "paths": paths,
            "components": {"schemas": schemas}}


# GET /version (version.Info); the emulator claims the apiserver version Helm's wire reference was taken on.
VERSION = {"major": "1", "minor": "36", "emulationMajor": "1", "emulationMinor": "36", "minCompatibilityMajor": "1",
           "minCompatibilityMinor": "35", "gitVersion": "v1.36.2", "gitCommit": "0" * 40, "gitTreeState": "clean",
           "buildDate": "2026-10-01T00:00:00Z", "goVersion": "go1.25.3", "compiler": "gc", "platform": "linux/amd64"}
