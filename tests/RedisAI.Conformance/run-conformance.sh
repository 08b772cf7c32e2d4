#!/usr/bin/env bash
# Runs the ONNX backend test corpus (Debian package libonnx-testdata) through the store and through a raw ONNX Runtime
# session, in Release. Installs the corpus when missing (apt-get, as root). Exits non-zero when any case fails only
# through the store; the last line is "N passed, M failed" (see docs/conformance.md).
# Arguments are passed to the runner, for example: --markdown docs/conformance.md
# CONFORMANCE_ARTIFACTS=DIR builds into DIR (dotnet --artifacts-path) instead of the project's bin/obj.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
corpus=/usr/share/libonnx-testdata/data

if [ ! -d "$corpus/node" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "the ONNX test corpus is not installed; as root: apt-get update && apt-get install -y libonnx-testdata" >&2
    exit 2
  fi
  echo "installing libonnx-testdata"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libonnx-testdata >/dev/null
fi

label="libonnx-testdata $(dpkg-query -W -f='${Version}' libonnx-testdata 2>/dev/null || echo '(version unknown)')"
artifacts=()
if [ -n "${CONFORMANCE_ARTIFACTS:-}" ]; then
  artifacts=(--artifacts-path "$CONFORMANCE_ARTIFACTS")
fi

dotnet build "$root/tests/RedisAI.Conformance/RedisAI.Conformance.csproj" -c Release -nologo -v q "${artifacts[@]}"
exec dotnet run --no-build -c Release --project "$root/tests/RedisAI.Conformance/RedisAI.Conformance.csproj" "${artifacts[@]}" -- --corpus-label "$label" "$@"
