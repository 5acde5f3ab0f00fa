#!/usr/bin/env bash
# Makes sure the programs the tests start for real are installed: Chromium for Playwright, and the
# independent TLS servers used for interop. As root we install them with apt-get; otherwise we say what to
# install in one line and stop.
set -euo pipefail

declare -A wanted=([chromium]=chromium [gnutls-serv]=gnutls-bin [openssl]=openssl)
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${missing[*]} with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "npm test: missing programs; install them first: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
