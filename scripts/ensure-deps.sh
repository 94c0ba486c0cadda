#!/usr/bin/env bash
# Makes sure the system tools the integration and end-to-end tests need are installed:
#   - Nix 2.8 (Debian's nix-bin): the oracle that writes and reads binary caches;
#   - a one-node Ceph with the RADOS Gateway: a real S3 server (SigV4, bucket policies, lifecycle);
#   - Chromium: the browser Playwright drives (it cannot download its own browsers here);
#   - liblzma's headers (liblzma-dev): `npm ci` builds node-liblzma, our xz codec, against the
#     system liblzma (without them that build fails, so on a bare machine run this before `npm ci`);
#   - xz, zstd and bzip2: the reference programs the compression tests check our output with (bzip2
#     is also what our bzip2 codec runs).
# Idempotent: when everything is present it prints one line
# and changes nothing. As root it installs what is missing with apt-get; otherwise it says what to
# install and exits 1, because installing needs root.
set -euo pipefail

# command -> Debian package that provides it (monmaptool comes with ceph-base, a dependency of
# ceph-mon; ceph and radosgw-admin come with ceph-common).
declare -A PKG_OF=(
  [nix-store]=nix-bin
  [nix]=nix-bin
  [radosgw]=radosgw
  [radosgw-admin]=ceph-common
  [ceph]=ceph-common
  [ceph-mon]=ceph-mon
  [ceph-osd]=ceph-osd
  [monmaptool]=ceph-mon
  [chromium]=chromium
  [xz]=xz-utils
  [zstd]=zstd
  [bzip2]=bzip2
  [/usr/include/lzma.h]=liblzma-dev
)
# Installed as one set, in the tested combination (see test-bed.md).
ALL_PKGS=(nix-bin radosgw ceph-mon ceph-osd ceph-common chromium xz-utils zstd bzip2 liblzma-dev)

missing_cmds() {
  local c
  for c in nix-store nix radosgw radosgw-admin ceph ceph-mon ceph-osd monmaptool chromium xz zstd bzip2; do
    command -v "$c" >/dev/null 2>&1 || printf '%s\n' "$c"
  done
  [ -e /usr/include/lzma.h ] || printf '%s\n' /usr/include/lzma.h
}

mapfile -t missing < <(missing_cmds)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "ensure-deps: nix, ceph/radosgw, chromium, xz/zstd/bzip2 and liblzma-dev are installed."
  exit 0
fi

# Packages for the missing commands only, deduplicated, for the message.
declare -A want=()
for c in "${missing[@]}"; do want[${PKG_OF[$c]}]=1; done
pkgs_needed="${!want[*]}"

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-deps: missing ${missing[*]}; install as root: apt-get update && apt-get install -y --no-install-recommends $pkgs_needed" >&2
  exit 1
fi

echo "ensure-deps: missing ${missing[*]}; installing ${ALL_PKGS[*]} with apt-get..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${ALL_PKGS[@]}" >/dev/null

mapfile -t still < <(missing_cmds)
if [ "${#still[@]}" -ne 0 ]; then
  echo "ensure-deps: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "ensure-deps: installed ${ALL_PKGS[*]}."
