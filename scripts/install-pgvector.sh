#!/usr/bin/env bash
# Builds pgvector 0.8.0 from Debian trixie's source package against the local PostgreSQL 15 server.
# Idempotent: does nothing when the extension is already installed at that version.
set -euo pipefail

PGVECTOR_VERSION="0.8.0"
PG_MAJOR="${PG_MAJOR:-15}"
EXT_DIR="/usr/share/postgresql/${PG_MAJOR}/extension"

if [[ -f "${EXT_DIR}/vector--${PGVECTOR_VERSION}.sql" && -f "/usr/lib/postgresql/${PG_MAJOR}/lib/vector.so" ]]; then
  echo "pgvector ${PGVECTOR_VERSION} already installed for PostgreSQL ${PG_MAJOR}"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi

# A private apt configuration that adds trixie's source index without touching the system's sources.
APT_DIR="$(mktemp -d /tmp/earshot-apt.XXXXXX)"
trap 'rm -rf "$APT_DIR"' EXIT
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/sources.list.d"
echo "deb-src http://deb.debian.org/debian trixie main" > "$APT_DIR/sources.list"
APT_OPTS=(-o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
  -o "Dir::State::Lists=$APT_DIR/lists" -o "APT::Get::List-Cleanup=0" -o "APT::Sandbox::User=root")

$SUDO apt-get "${APT_OPTS[@]}" update -qq
(cd "$APT_DIR" && apt-get "${APT_OPTS[@]}" source --download-only pgvector -qq)

tarball="$(ls "$APT_DIR"/pgvector_"${PGVECTOR_VERSION}".orig.tar.* 2>/dev/null | head -n1 || true)"
if [[ -z "$tarball" ]]; then
  echo "error: trixie's pgvector source is not version ${PGVECTOR_VERSION}; found: $(ls "$APT_DIR")" >&2
  exit 1
fi
mkdir -p "$APT_DIR/src"
tar -xf "$tarball" -C "$APT_DIR/src" --strip-components=1
make -C "$APT_DIR/src" -s PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" OPTFLAGS="" >/dev/null
$SUDO make -C "$APT_DIR/src" -s PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config" install >/dev/null
echo "pgvector ${PGVECTOR_VERSION} installed for PostgreSQL ${PG_MAJOR}"
