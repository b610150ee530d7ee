# -*- coding: utf-8 -*-
# Copyright: helmkit.core contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Inventory plugin helm_releases: every Helm release of one or more clusters as an inventory host."""
from __future__ import annotations

DOCUMENTATION = r"""
name: helm_releases
short_description: Helm releases of one or more Kubernetes clusters as inventory hosts
version_added: "0.1.0"
description:
  - Reads the Helm releases of every cluster in O(connections) by decoding Helm v3/v4's storage records (the
    C(helm) CLI's releases too) and makes each release a host named C(<cluster>/<namespace>/<release>).
  - Host variables describe the release's latest revision, with the keys of the P(helmkit.core.helm_release#lookup)
    lookup prefixed C(helm_) - C(helm_release) (the name), C(helm_namespace), C(helm_cluster), C(helm_revision),
    C(helm_status), C(helm_chart), C(helm_chart_name), C(helm_chart_version), C(helm_app_version), C(helm_updated),
    C(helm_first_deployed), C(helm_description), C(helm_values) and C(helm_labels) (see also O(include_manifest)).
  - Releases in V(failed), V(pending-*) or V(uninstalling) state are listed like any other, in their
    C(helm_status_*) group.
  - Default groups are C(helm_cluster_<cluster>), C(helm_namespace_<namespace>), C(helm_chart_<chart name>) and
    C(helm_status_<status>) (for example C(helm_status_failed), C(helm_status_pending_upgrade)), all made safe as
    Ansible group names.
  - A cluster that cannot be reached, or a record that cannot be decoded, produces a warning that names it; every
    other cluster and release is still loaded.
  - The configuration file name must end with C(helm_releases.yml) or C(helm_releases.yaml).
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [helmkit.core.helm_releases]
  connections:
    description:
      - The clusters to read. Each entry is a dict with optional keys C(name) (the cluster part of host names,
        default the context name, else V(default)), C(namespaces) (a list; default every namespace), and the
        Kubernetes connection options of M(helmkit.core.helm_release) under the same names and aliases, with the
        same environment fallbacks (E(K8S_AUTH_HOST), E(K8S_AUTH_API_KEY), ..., then Helm's E(HELM_KUBE*),
        then the kubeconfig, then in-cluster configuration).
      - Without any entry, the default connection is read (the environment, the default kubeconfig, or in-cluster).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The cluster part of host names and of the C(helm_cluster_*) group.
        type: str
      namespaces:
        description: The namespaces to read; default every namespace.
        type: list
        elements: str
      kubeconfig:
        description: A kubeconfig path, dict or YAML text (E(K8S_AUTH_KUBECONFIG), E(KUBECONFIG), C(~/.kube/config)).
        type: raw
      context:
        description: The kubeconfig context (E(K8S_AUTH_CONTEXT), E(HELM_KUBECONTEXT)).
        type: str
        aliases: [kube_context]
      host:
        description: The API server URL with its scheme (E(K8S_AUTH_HOST), E(HELM_KUBEAPISERVER)).
        type: str
      api_key:
        description: A bearer token (E(K8S_AUTH_API_KEY), E(HELM_KUBETOKEN)). Never logged.
        type: str
      username:
        description: Basic authentication username (E(K8S_AUTH_USERNAME)).
        type: str
      password:
        description: Basic authentication password (E(K8S_AUTH_PASSWORD)). Never logged.
        type: str
      validate_certs:
        description: Verify the server's certificate (E(K8S_AUTH_VERIFY_SSL), E(HELM_KUBEINSECURE_SKIP_TLS_VERIFY)).
        type: bool
        aliases: [verify_ssl]
      ca_cert:
        description: CA certificate path (E(K8S_AUTH_SSL_CA_CERT), E(HELM_KUBECAFILE)).
        type: path
        aliases: [ssl_ca_cert]
      client_cert:
        description: Client certificate path (E(K8S_AUTH_CERT_FILE)).
        type: path
        aliases: [cert_file]
      client_key:
        description: Client key path (E(K8S_AUTH_KEY_FILE)).
        type: path
        aliases: [key_file]
      proxy:
        description: HTTP proxy URL (E(K8S_AUTH_PROXY)).
        type: str
      no_proxy:
        description: Hosts that bypass the proxy (E(K8S_AUTH_NO_PROXY)).
        type: str
      proxy_headers:
        description: Proxy headers (keys C(proxy_basic_auth), C(basic_auth), C(user_agent)).
        type: dict
      impersonate_user:
        description: User to impersonate (E(K8S_AUTH_IMPERSONATE_USER), E(HELM_KUBEASUSER)).
        type: str
      impersonate_groups:
        description: Groups to impersonate (E(K8S_AUTH_IMPERSONATE_GROUPS), E(HELM_KUBEASGROUPS)).
        type: list
        elements: str
      persist_config:
        description: Write refreshed auth-provider credentials back to the kubeconfig (E(K8S_AUTH_PERSIST_CONFIG)).
        type: bool
  storage_driver:
    description:
      - Helm's storage driver that holds the release records (Secrets or ConfigMaps).
      - Unset, E(HELM_DRIVER) decides (V(secret), V(secrets), V(configmap), V(configmaps)), and without it V(secret).
    type: str
    choices: [secret, configmap]
  all_values:
    description: C(helm_values) holds the computed values (chart defaults included) instead of the user-supplied ones.
    type: bool
    default: false
  include_manifest:
    description: Also set C(helm_manifest), C(helm_notes) and C(helm_hooks) (they can be large).
    type: bool
    default: false
  connection_local:
    description: Set C(ansible_connection=local) on every host, so that tasks targeting releases run on the
      controller.
    type: bool
    default: true
"""

EXAMPLES = r"""
# prod.helm_releases.yml
plugin: helmkit.core.helm_releases
connections:
  - name: prod
    kubeconfig: ~/.kube/prod
    namespaces: [web, data]
  - name: staging
    context: staging-admin
keyed_groups:
  - key: helm_app_version
    prefix: app
compose:
  owner: helm_labels.team | default('unknown')
groups:
  broken: helm_status != 'deployed'
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/helm_releases
"""

import os  # noqa: E402
import re  # noqa: E402

from ansible.errors import AnsibleParserError  # noqa: E402
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable  # noqa: E402

from ansible_collections.helmkit.core.plugins.module_utils.errors import HelmkitError  # noqa: E402
from ansible_collections.helmkit.core.plugins.plugin_utils import inprocess  # noqa: E402

ALIASES = {"kube_context": "context", "verify_ssl": "validate_certs", "ssl_ca_cert": "ca_cert",
           "cert_file": "client_cert", "key_file": "client_key"}

_VARS = ("revision", "status", "chart", "chart_name", "chart_version", "app_version", "updated", "first_deployed",
         "description", "values", "labels")
_LARGE_VARS = ("manifest", "notes", "hooks")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Inventory of Helm releases: see DOCUMENTATION."""

    NAME = "helmkit.core.helm_releases"

    def verify_file(self, path):
        """Accept only files named ``*helm_releases.yml`` / ``*helm_releases.yaml``."""
        if not super(InventoryModule, self).verify_file(path):
            return False
        return os.path.basename(path).endswith(("helm_releases.yml", "helm_releases.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        # the collection loader compiles every imported file on every run; module_utils (kube, release) come from
        # the bytecode cache instead (plugin_utils/inprocess.py), as for modules run on the controller
        inprocess.cache_bytecode()
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        releases = None
        if use_cache:
            try:
                releases = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if releases is None:
            releases = self._read_clusters()
        if update_cache:
            self._cache[cache_key] = releases
        self._populate(releases)

    # -- reading -------------------------------------------------------------------------------------------------

    def _connections(self):
        from ansible_collections.helmkit.core.plugins.module_utils.kube.config import AUTH_OPTIONS  # deferred: after cache_bytecode()

        connection_keys = ("name", "namespaces") + AUTH_OPTIONS
        connections = self.get_option("connections") or [{}]
        for index, conn in enumerate(connections):
            if not isinstance(conn, dict):
                raise AnsibleParserError("connections[%d] must be a dict with keys name, kubeconfig, context, "
                                         "namespaces; got %r" % (index, conn))
            conn = {ALIASES.get(key, key): value for key, value in conn.items()}
            unknown = set(conn) - set(connection_keys)
            if unknown:
                raise AnsibleParserError("connections[%d] has unknown keys %s; expected %s"
                                         % (index, ", ".join(sorted(unknown)), ", ".join(connection_keys)))
            namespaces = conn.get("namespaces") or []
            if isinstance(namespaces, str) or not isinstance(namespaces, list):
                raise AnsibleParserError("connections[%d].namespaces must be a list of namespace names" % index)
            found = {key: conn.get(key) for key in connection_keys}
            found.update(name=str(conn.get("name") or conn.get("context") or "default"), namespaces=namespaces)
            yield found

    def _read_clusters(self) -> list:
        """Releases of every connection as a list of plain dicts (cacheable): release data plus ``cluster``."""
        from ansible_collections.helmkit.core.plugins.module_utils import report  # deferred: after cache_bytecode()
        from ansible_collections.helmkit.core.plugins.module_utils.kube.client import KubeClient  # deferred: after cache_bytecode()
        from ansible_collections.helmkit.core.plugins.module_utils.release.query import ReleaseQuery  # deferred: after cache_bytecode()

        releases = []
        for conn in self._connections():
            kubeconfig = conn["kubeconfig"]
            if isinstance(kubeconfig, str) and "\n" not in kubeconfig:
                conn["kubeconfig"] = os.path.expanduser(kubeconfig)
            warnings = []  # shown once the cluster was read (dropped with a skipped cluster, as its releases)
            try:
                with report.routed(warnings.append), KubeClient.from_options(conn) as client:
                    query = ReleaseQuery(client, self.get_option("storage_driver"))
                    found = self._find(query, conn)
            except HelmkitError as exc:
                self.display.warning("helm_releases: skipped cluster %r (connection %s): %s"
                                     % (conn["name"], conn["context"] or "default context", exc))
                continue
            for warning in warnings:
                self.display.warning("helm_releases: cluster %r: %s" % (conn["name"], warning))
            for item in found:
                item["cluster"] = conn["name"]
                releases.append(item)
        return releases

    def _find(self, query, conn) -> list:
        """Releases of one connection. Without ``namespaces`` every namespace is read (``helm list -A``); a user
        who may not list Helm's records across the cluster (403, a namespaced-only RBAC role) gets a warning that
        says so and the releases of the namespace Helm would use (kube/config.py: resolve_namespace)."""
        from ansible_collections.helmkit.core.plugins.module_utils.kube.client import resolve_namespace  # deferred: after cache_bytecode()
        from ansible_collections.helmkit.core.plugins.module_utils.release.query import find_releases  # deferred: after cache_bytecode()

        all_values = self.get_option("all_values")
        if conn["namespaces"]:
            return find_releases(query, namespaces=conn["namespaces"], all_values=all_values)
        try:
            return find_releases(query, namespaces=None, all_values=all_values)
        except HelmkitError as exc:
            if getattr(exc, "status", None) != 403:
                raise
            namespace, source = resolve_namespace(None, conn)
            self.display.warning(
                "helm_releases: cluster %r: %s; read only namespace %r (from %s) instead. Set connections[].namespaces "
                "to the namespaces this user may read, or grant it list on %ss at the cluster scope."
                % (conn["name"], exc, namespace, source, query.driver))
            return find_releases(query, namespaces=[namespace], all_values=all_values)

    # -- inventory -----------------------------------------------------------------------------------------------

    def _group(self, prefix, value):
        group = re.sub(r"[^A-Za-z0-9_]", "_", "%s_%s" % (prefix, value))
        self.inventory.add_group(group)
        return group

    def _populate(self, releases):
        strict = self.get_option("strict")
        names = _VARS + (_LARGE_VARS if self.get_option("include_manifest") else ())
        for item in releases:
            host = "%s/%s/%s" % (item["cluster"], item["namespace"], item["name"])
            self.inventory.add_host(host)
            hostvars = {"helm_release": item["name"], "helm_namespace": item["namespace"],
                        "helm_cluster": item["cluster"]}
            for name in names:
                hostvars["helm_" + name] = item.get(name)
            if self.get_option("connection_local"):
                hostvars["ansible_connection"] = "local"
            for key, value in hostvars.items():
                self.inventory.set_variable(host, key, value)
            for prefix, value in (("helm_cluster", item["cluster"]), ("helm_namespace", item["namespace"]),
                                  ("helm_chart", item["chart_name"]), ("helm_status", item["status"])):
                self.inventory.add_child(self._group(prefix, value), host)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
