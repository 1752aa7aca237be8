#!/usr/bin/env bash
# Installs the Debian packages the test suite runs against, as root or through sudo.
# dbus + gnome-keyring + libsecret-tools: a real Secret Service. zsh + fish: the completion scripts run
# in the real shells. chromium: the OAuth browser tests. bsdutils: `script`, a pseudo-terminal for the
# prompt tests. pass + gopass + gnupg: the secret-store references resolved for real.
set -euo pipefail
packages=(dbus gnome-keyring libsecret-tools zsh fish chromium bsdutils pass gopass gnupg)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "install-test-deps: no apt-get (not Debian); install these with your package manager: ${missing[*]}" >&2
  exit 1
fi
# As root (a fresh container, CI): directly, as there may be no sudo at all. Otherwise through sudo.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-test-deps: not root and no sudo; as root, run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  as_root=(sudo)
fi
echo "installing: ${missing[*]}"
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
