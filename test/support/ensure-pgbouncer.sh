#!/usr/bin/env bash
# The scale-out specs run a real PgBouncer (Debian's package, 1.18). `npm test` installs it when
# it is missing and this user may (root, as on this project's machines and CI); otherwise it
# says what to install.
set -euo pipefail
if command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "PgBouncer is missing: installing Debian's pgbouncer package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
else
  echo "The scale-out specs need PgBouncer: install it (e.g. sudo apt-get install pgbouncer) and run npm test again" >&2
  exit 1
fi
