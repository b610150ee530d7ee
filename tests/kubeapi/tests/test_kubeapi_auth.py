"""The emulator's authentication and authorization, on the wire, as kube-apiserver answers (they run unchanged
against HELMKIT_TEST_KUBECONFIG): 401 Status bodies, TokenRequest tokens, impersonation headers (several groups),
403 for an impersonated user without permission."""
import json
import ssl
import urllib.error
import urllib.request

import pytest

from tests.helpers.kubeauth import ServiceAccountAccess

UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized",
                "reason": "Unauthorized", "code": 401}


@pytest.fixture
def access(kubeapi, tmp_path):
    with ServiceAccountAccess(kubeapi, tmp_path) as found:
        if found.ca_file is None:
            pytest.skip("the cluster's kubeconfig has no CA (certificate-authority[-data]); these tests verify TLS")
        yield found


def _call(access, path, token=None, method="GET", body=None, headers=()):
    request = urllib.request.Request(access.host + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    for name, value in headers:
        request.add_header(name, value)
    context = ssl.create_default_context(cafile=access.ca_file)
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_wrong_token_is_401_with_a_status(access):
    assert _call(access, "/api/v1/namespaces/default/configmaps", "helmkit-no-such-token") == (401, UNAUTHORIZED)


def test_service_account_token_works(access):
    status, body = _call(access, "/api/v1/namespaces/%s/configmaps" % access.namespace, access.token())
    assert (status, body["kind"]) == (200, "ConfigMapList")


def test_impersonation_headers_are_honoured(access):
    """urllib sends one header per name, so a second group goes through http.client directly."""
    import http.client
    import urllib.parse
    parsed = urllib.parse.urlsplit(access.host)
    connection = http.client.HTTPSConnection(parsed.hostname, parsed.port or 443,
                                             context=ssl.create_default_context(cafile=access.ca_file), timeout=30)
    try:
        connection.putrequest("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews")
        body = json.dumps({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}).encode()
        for name, value in (("Authorization", "Bearer " + access.token()), ("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), ("Impersonate-User", "helmkit-as-user"),
                            ("Impersonate-Group", "helmkit-group-a"), ("Impersonate-Group", "helmkit-group-b")):
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        review = json.loads(answer.read())
    finally:
        connection.close()
    assert answer.status == 201, review
    info = review["status"]["userInfo"]
    assert info["username"] == "helmkit-as-user"
    assert info["groups"] == ["helmkit-group-a", "helmkit-group-b", "system:authenticated"]


def test_impersonated_user_without_permission_is_403(access):
    status, body = _call(access, "/api/v1/namespaces/%s/secrets" % access.namespace, access.token(),
                         headers=[("Impersonate-User", "helmkit-nobody")])
    assert status == 403
    assert (body["kind"], body["reason"], body["code"]) == ("Status", "Forbidden", 403)
    assert body["message"] == ('secrets is forbidden: User "helmkit-nobody" cannot list resource "secrets" in API '
                               'group "" in the namespace "%s"' % access.namespace)
