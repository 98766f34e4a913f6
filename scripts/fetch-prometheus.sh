#!/bin/sh
# Unpacks Debian's Prometheus server (package prometheus) into .cache/prometheus/ for the side-by-side
# benchmark (bench/prometheus.ts), without installing it system-wide: no service, no user, no config in /etc.
# Idempotent: does nothing when .cache/prometheus/usr/bin/prometheus exists. Needs apt (Debian/Ubuntu);
# runs `apt-get update` only when the package is unknown to apt. Only the prometheus package itself is
# unpacked: its dependencies are shared libraries and web assets the server binary does not need to scrape
# and answer the HTTP API.
set -eu
cd "$(dirname "$0")/.."
dest=.cache/prometheus
if [ -x "$dest/usr/bin/prometheus" ]; then
  echo "prometheus already in $dest/usr/bin/prometheus"
  exit 0
fi
mkdir -p "$dest/deb"
if ! apt-cache show prometheus >/dev/null 2>&1; then
  apt-get update -qq
fi
(cd "$dest/deb" && apt-get download -qq prometheus)
deb=$(ls "$dest"/deb/prometheus_*.deb | head -n 1)
dpkg -x "$deb" "$dest"
rm -rf "$dest/deb"
"$dest/usr/bin/prometheus" --version 2>&1 | head -n 1 || true
echo "prometheus unpacked into $dest/usr/bin/prometheus"
