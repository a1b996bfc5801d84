#!/usr/bin/env bash
# The deploy spec runs a real HAProxy (Debian's package, 2.6) in front of three servers. `npm test`
# installs it when it is missing and this user may (root, as on this project's machines and CI);
# otherwise it says what to install.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "HAProxy is missing: installing Debian's haproxy package"
  apt-get update -qq
  # The package would start a system-wide haproxy service; the tests run their own.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
else
  echo "The deploy spec needs HAProxy: install it (e.g. sudo apt-get install haproxy) and run npm test again" >&2
  exit 1
fi
