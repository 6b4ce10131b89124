#!/usr/bin/env bash
# One-time (idempotent) set-up of a Debian bookworm machine for Earshot: system packages, pgvector,
# pnpm at the version package.json pins, and the workspace's node modules. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi

# ffmpeg decodes audio, sox short WAV/FLAC/Ogg Vorbis files; python3-* train and check the model; chromium runs the
# browser tests; postgresql-server-dev-15 builds pgvector; espeak-ng speaks the pretrained networks' speech check.
APT_PACKAGES=(ffmpeg sox python3-numpy python3-scipy python3-torch python3-onnx postgresql-server-dev-15 espeak-ng
  make gcc dpkg-dev chromium unzip zip)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/install-pgvector.sh

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "installing pnpm ${PNPM_VERSION}"
  $SUDO npm install -g --force "pnpm@${PNPM_VERSION}" >/dev/null
fi

if [[ "${CI:-}" == "true" ]]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi

# The pretrained AudioSet networks (YAMNet, EfficientAT mn04_as), when ../shared/models/pretrained or
# $EARSHOT_PRETRAINED_DIR holds them: converted to ONNX in the ignored models/pretrained/ (skipped when up to date).
(cd training && /usr/bin/python3 -m earshot_train.pretrained.convert)
