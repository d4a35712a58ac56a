#!/usr/bin/env bash
# Prints the path of a static arm64 busybox, the root of the arm64 test images (test/build-arm64.test.ts).
# Fetched from Debian's own archive with apt, using a private apt state (arm64 package lists only, in
# $dir), so the machine's apt configuration and architectures are left as they are. About 1 MB, a few
# seconds; cached in $dir for later runs.
set -euo pipefail
dir=${CENDENCE_ARM64_DIR:-/tmp/cendence-arm64}
out="$dir/busybox-arm64"
if [ -x "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/deb"
opts=(-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Architecture=arm64
  -o APT::Architectures::=arm64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${opts[@]}" update -qq >"$dir/apt.log" 2>&1 || { tail -5 "$dir/apt.log" >&2; exit 1; }
(cd "$dir/deb" && apt-get "${opts[@]}" download busybox-static:arm64 >>"$dir/apt.log" 2>&1) ||
  { tail -5 "$dir/apt.log" >&2; exit 1; }
dpkg-deb -x "$dir"/deb/busybox-static_*_arm64.deb "$dir/root"
install -m 0755 "$dir/root/bin/busybox" "$out"
rm -rf "$dir/root" "$dir/deb" "$dir/lists" "$dir/cache"
echo "$out"
