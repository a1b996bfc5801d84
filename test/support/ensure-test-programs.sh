#!/usr/bin/env bash
# The scale-out specs run a real PgBouncer (Debian's package, 1.18), the deploy spec a real
# HAProxy (2.6), and the budget specs redis-servers of their own (Redis 7). `npm test` installs what is missing when this user may (root, as on this
# project's machines and CI); otherwise it says what to install.
set -euo pipefail

# ensure <program> <Debian package> <which specs need it>
ensure() {
  local program=$1 package=$2 needed_by=$3
  if command -v "$program" >/dev/null || [ -x "/usr/sbin/$program" ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "$program is missing: installing Debian's $package package"
    apt-get update -qq
    # A package may start a system-wide service; the tests run instances of their own.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  else
    echo "$needed_by need $program: install it (e.g. sudo apt-get install $package) and run npm test again" >&2
    exit 1
  fi
}

ensure pgbouncer pgbouncer 'The scale-out specs'
ensure haproxy haproxy 'The deploy specs'
ensure redis-server redis-server 'The budget specs'
