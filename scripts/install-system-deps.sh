#!/usr/bin/env bash
# Install the Debian packages the test suite needs when they are missing (run by `make test` and .ci/run):
#   docker-registry  the CNCF distribution registry, a real OCI registry for the OCI tests
#   apache2-utils    htpasswd, to write the registry's bcrypt htpasswd file
#   gnupg            gpg, to make a throw-away signing key for the provenance tests
#   ShellCheck       the shell script linter, so ansible-test sanity's shellcheck test runs (it skips without it)
#   make, python3-venv
# Needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
command -v make >/dev/null 2>&1 || need+=(make)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
{ command -v docker-registry || command -v registry; } >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}"
