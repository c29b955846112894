#!/usr/bin/env bash
# Builds the file system of Revenge's container image without a container
# engine: Debian bookworm (minbase) by debootstrap, ffmpeg, Deno, the app with
# its node_modules and built islands, pg_dump/pg_restore of the embedded
# server's major version, and an unprivileged user `revenge` (uid 10001) that
# owns /var/lib/revenge. It is the same tree the Containerfile's final stage
# makes. With --image NAME, buildah (if installed) commits it as an OCI image
# with the Containerfile's user, volume, port, health check and command.
#
#   deploy/build_rootfs.sh ROOTFS [--image NAME]
#
# The Debian base is cached: ROOTFS/.base-complete marks it, and a later run
# only refreshes the app (seconds). Runs as root (debootstrap, chroot).
set -euo pipefail
rootfs="${1:?usage: deploy/build_rootfs.sh ROOTFS [--image NAME]}"
image=""
if [ "${2:-}" = "--image" ]; then image="${3:?--image needs a name}"; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
pg_major=18

if [ "$(id -u)" -ne 0 ]; then
  echo "build_rootfs.sh: run as root (debootstrap and chroot need it)" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
fi

if [ ! -f "$rootfs/.base-complete" ]; then
  rm -rf "$rootfs"
  mkdir -p "$rootfs"
  # minbase: dpkg, apt and the essential set; ffmpeg brings its libraries, util-linux setpriv.
  debootstrap --variant=minbase --include=ffmpeg,ca-certificates,tzdata,util-linux \
    bookworm "$rootfs" "$mirror"
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/*
  chroot "$rootfs" useradd --system --uid 10001 --user-group --home-dir /var/lib/revenge \
    --shell /usr/sbin/nologin revenge
  touch "$rootfs/.base-complete"
fi

# pg_dump/pg_restore for backups (the embedded server's npm package ships none).
"$repo/deploy/build_pg_client.sh" "$pg_major" "/opt/revenge-pg/$pg_major" >/dev/null
mkdir -p "$rootfs/opt/revenge-pg"
rm -rf "$rootfs/opt/revenge-pg/$pg_major"
cp -a "/opt/revenge-pg/$pg_major" "$rootfs/opt/revenge-pg/$pg_major"

# Deno: the same binary that runs here.
install -m 0755 "$(command -v deno)" "$rootfs/usr/local/bin/deno"

# The app: tracked files, node_modules (npm packages, resolved by the lock file) and the islands.
rm -rf "$rootfs/opt/revenge"
mkdir -p "$rootfs/opt/revenge"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
  tar -C "$rootfs/opt/revenge" -xf -
if [ ! -d "$repo/static/_build" ]; then (cd "$repo" && deno task build >/dev/null); fi
cp -a "$repo/node_modules" "$rootfs/opt/revenge/"
mkdir -p "$rootfs/opt/revenge/static"
cp -a "$repo/static/_build" "$rootfs/opt/revenge/static/"
# The embedded PostgreSQL's library symlinks, made here: the server's user cannot write /opt/revenge.
(cd "$rootfs/opt/revenge" && deno run -A --cached-only scripts/prepare_embedded_pg.ts)
chown -R root:root "$rootfs/opt/revenge"
# Some npm tarballs carry 0600 files; the unprivileged user must read every file of the app.
chmod -R a+rX,go-w "$rootfs/opt/revenge"
mkdir -p "$rootfs/var/lib/revenge"
chown 10001:10001 "$rootfs/var/lib/revenge"
chmod 0750 "$rootfs/var/lib/revenge"
echo "rootfs ready: $rootfs"

if [ -n "$image" ]; then
  if ! command -v buildah >/dev/null 2>&1; then
    echo "build_rootfs.sh: --image needs buildah (apt-get install buildah)" >&2
    exit 1
  fi
  ctr="$(buildah from scratch)"
  mnt="$(buildah mount "$ctr")"
  tar -C "$rootfs" --exclude=./.base-complete -cf - . | tar -C "$mnt" -xf -
  buildah umount "$ctr"
  buildah config --user 10001:10001 --workingdir /opt/revenge --port 8095 \
    --volume /var/lib/revenge \
    --env REVENGE_DATA_DIR=/var/lib/revenge --env REVENGE_HOST=0.0.0.0 --env DENO_NO_UPDATE_CHECK=1 \
    --healthcheck 'CMD deno eval --quiet "const r = await fetch(\"http://127.0.0.1:8095/readyz\"); Deno.exit(r.ok ? 0 : 1)"' \
    --healthcheck-interval 30s --healthcheck-timeout 5s --healthcheck-start-period 60s \
    --cmd '["deno","run","--allow-all","--cached-only","/opt/revenge/main.ts"]' "$ctr"
  buildah commit "$ctr" "$image"
  buildah rm "$ctr"
fi
