#!/bin/sh
# Unpacks Debian's kubectl (package kubernetes-client) into this package's .cache/kubectl/ for the kubectl-driven tests.
# Idempotent: does nothing when .cache/kubectl/usr/bin/kubectl exists. Needs apt (Debian/Ubuntu);
# runs `apt-get update` only when the package is unknown to apt.
set -eu
cd "$(dirname "$0")/.."
dest=.cache/kubectl
if [ -x "$dest/usr/bin/kubectl" ]; then
  echo "kubectl already in $dest/usr/bin/kubectl"
  exit 0
fi
# Test files run in parallel and may both get here: one unpacks, the other waits and finds it done.
mkdir -p .cache
exec 9>"$dest.lock"
flock 9
if [ -x "$dest/usr/bin/kubectl" ]; then
  echo "kubectl already in $dest/usr/bin/kubectl"
  exit 0
fi
mkdir -p "$dest/deb"
if ! apt-cache show kubernetes-client >/dev/null 2>&1; then
  apt-get update -qq
fi
(cd "$dest/deb" && apt-get download -qq kubernetes-client)
deb=$(ls "$dest"/deb/kubernetes-client_*.deb | head -n 1)
dpkg -x "$deb" "$dest"
rm -rf "$dest/deb"
"$dest/usr/bin/kubectl" version --client 2>/dev/null || true
echo "kubectl unpacked into $dest/usr/bin/kubectl"
