#!/usr/bin/env bash
# Installs the Debian packages the test suite runs against, as root or through sudo.
# dbus + gnome-keyring + libsecret-tools: a real Secret Service. zsh + fish: the completion scripts run
# in the real shells. chromium: the OAuth browser tests. bsdutils: `script`, a pseudo-terminal for the
# prompt tests.
set -euo pipefail
packages=(dbus gnome-keyring libsecret-tools zsh fish chromium bsdutils)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "installing: ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
