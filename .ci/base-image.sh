#!/usr/bin/env bash
# Builds the local base image cendence/base:node20 that CI passes to the service builds as BASE_IMAGE.
# Nothing can be pulled here, so the image is made from parts the machine already has:
#   a minimal Debian bookworm (debootstrap --variant=minbase, from the mirror apt already uses),
#   plus the host's node binary (v20) and npm, plus a `node` user (uid 1000) like the official image.
#   and the host's CA bundle (NODE_EXTRA_CA_CERTS), so TLS to the npm registry works as it does on the host.
# It stands in for node:20-bookworm-slim: same distribution, same node major, same user.
# Idempotent: does nothing when the image exists, unless --force.
# Usage: .ci/base-image.sh [--force] [--tag <image>]
set -euo pipefail

tag=cendence/base:node20
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --tag) tag="$2"; shift ;;
    *) echo "base-image: unknown argument '$1' (use --force, --tag <image>)" >&2; exit 2 ;;
  esac
  shift
done

fail() { echo "base-image: $*" >&2; exit 2; }

command -v docker >/dev/null || fail "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || fail "the docker daemon is not reachable (start dockerd)"

if [ "$force" = 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base-image: $tag already present ($(docker image inspect -f '{{.Id}}' "$tag" | cut -c8-19)), skipped (use --force to rebuild)"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "run as root: debootstrap creates device nodes and root-owned files"
command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
node_bin=$(command -v node) || fail "node is not installed on this machine"
node_bin=$(readlink -f "$node_bin")
node_version=$("$node_bin" --version)
case "$node_version" in v20.*) ;; *) fail "host node is $node_version, the base image needs v20" ;; esac
npm_dir=""
for candidate in "$(dirname "$(readlink -f "$(command -v npm 2>/dev/null || echo /nonexistent)")")/.." \
  /usr/lib/node_modules/npm /usr/local/lib/node_modules/npm /usr/share/nodejs/npm; do
  if [ -f "$candidate/bin/npm-cli.js" ]; then npm_dir=$(readlink -f "$candidate"); break; fi
done
[ -n "$npm_dir" ] || fail "npm not found (looked for bin/npm-cli.js next to 'npm' and under /usr/lib/node_modules)"

# The Debian mirror apt already uses (deb822 sources first, then the one-line format).
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\/\{0,1\}\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 || true)
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}

started=$(date +%s)
work=$(mktemp -d /tmp/cendence-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap from $mirror failed (log above)"; }

install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# The official image's unprivileged user, so `USER node` works with either base.
echo 'node:x:1000:' >>"$rootfs/etc/group"
echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$rootfs/etc/passwd"
echo 'node:*:19000:0:99999:7:::' >>"$rootfs/etc/shadow"
install -d -o 1000 -g 1000 "$rootfs/home/node"
# Trust what the host trusts (a TLS-inspecting proxy's CA, say), so `npm ci` in builds reaches the registry.
ca_bundle=/etc/ssl/certs/ca-certificates.crt
ca_env=()
if [ -f "$ca_bundle" ]; then
  install -D -m 0644 "$ca_bundle" "$rootfs$ca_bundle"
  ca_env=(-c "ENV NODE_EXTRA_CA_CERTS=$ca_bundle")
fi

tar -C "$rootfs" --numeric-owner \
  --exclude='./var/cache/apt/archives/*.deb' --exclude='./var/lib/apt/lists/*' \
  --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*' --exclude='./usr/share/locale/*' \
  -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV LANG=C.UTF-8' \
  -c 'ENV NPM_CONFIG_UPDATE_NOTIFIER=false' \
  -c "ENV NODE_VERSION=${node_version#v}" \
  "${ca_env[@]}" \
  -c 'CMD ["node"]' \
  -m "debootstrap minbase bookworm from $mirror + node $node_version + npm" \
  - "$tag" >/dev/null

# Prove the image does what builds need before declaring success.
docker run --rm "$tag" sh -c 'node --version >/dev/null && npm --version >/dev/null && id node >/dev/null' ||
  fail "$tag was imported but node/npm/user check failed inside it"

size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "base-image: built $tag (debian $(cat "$rootfs/etc/debian_version"), node $node_version, npm $("$node_bin" "$npm_dir/bin/npm-cli.js" --version), $((size / 1000000)) MB) in $(($(date +%s) - started)) s from $mirror"
