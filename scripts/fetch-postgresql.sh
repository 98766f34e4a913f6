#!/bin/sh
# Unpacks Debian's PostgreSQL 15 server (package postgresql-15) into .cache/postgresql-15/ for the tests
# that run against an external PostgreSQL of another major version than the embedded one
# (test/helpers/external-pg.ts), without installing it system-wide: no service, no cluster, no config in
# /etc. Idempotent: does nothing when the server binary is there. Needs apt (Debian/Ubuntu); runs
# `apt-get update` only when the package is unknown to apt. The server's shared libraries (the lib*
# packages it depends on, and tzdata) are installed only when one of them is missing.
set -eu
cd "$(dirname "$0")/.."
pkg=postgresql-15
dest=.cache/$pkg
bin=$dest/usr/lib/postgresql/15/bin
if [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ]; then
  echo "$pkg already in $bin"
  exit 0
fi
if ! apt-cache show "$pkg" >/dev/null 2>&1; then
  apt-get update -qq
fi
missing=""
for dep in $(apt-cache depends "$pkg" | awk '$1 == "Depends:" && ($2 ~ /^lib/ || $2 == "tzdata") { print $2 }' | sort -u); do
  dpkg -s "$dep" >/dev/null 2>&1 || missing="$missing $dep"
done
if [ -n "$missing" ]; then
  echo "installing the shared libraries $pkg needs:$missing"
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
rm -rf "$dest"
mkdir -p "$dest/deb"
(cd "$dest/deb" && apt-get download -qq "$pkg")
deb=$(ls "$dest"/deb/"$pkg"_*.deb | head -n 1)
dpkg -x "$deb" "$dest"
rm -rf "$dest/deb"
"$bin/postgres" --version
echo "$pkg unpacked into $bin"
