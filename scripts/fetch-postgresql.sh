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
have() { [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ]; }
if have; then
  echo "$pkg already in $bin"
  exit 0
fi
# Test files run in parallel and may both get here: one unpacks, the other waits and finds it done.
mkdir -p .cache
exec 9>"$dest.lock"
flock 9
if have; then
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
# Unpacked beside and moved into place whole: an interrupted run leaves no half tree that looks done.
work=$dest.unpacking
rm -rf "$dest" "$work"
mkdir -p "$work/deb"
(cd "$work/deb" && apt-get download -qq "$pkg")
deb=$(ls "$work"/deb/"$pkg"_*.deb | head -n 1)
dpkg -x "$deb" "$work"
rm -rf "$work/deb"
mv "$work" "$dest"
"$bin/postgres" --version
echo "$pkg unpacked into $bin"
