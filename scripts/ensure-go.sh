#!/usr/bin/env bash
# Makes sure a Go toolchain new enough for fhirledger's pinned tools (k6, Fabric) is on PATH, using only Debian's
# packages and the Go module proxy. Idempotent: with a good Go already present it only prints its version.
# Prints the folder to put first on PATH (empty when the current go is fine), so callers can do:
#   dir=$(bash scripts/ensure-go.sh) && [ -n "$dir" ] && export PATH="$dir:$PATH"
set -euo pipefail

want=go1.26.8           # a toolchain the Go module proxy serves as golang.org/toolchain
minimum_minor=26        # Fabric 3.1.5's go.mod asks for go >= 1.26.4
minimum_patch=4

have_good_go() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go env GOVERSION 2>/dev/null || go version | awk '{print $3}')
  [[ $v =~ ^go1\.([0-9]+)(\.([0-9]+))? ]] || return 1
  local minor=${BASH_REMATCH[1]} patch=${BASH_REMATCH[3]:-0}
  (( minor > minimum_minor || (minor == minimum_minor && patch >= minimum_patch) ))
}

if have_good_go; then
  echo "ensure-go: $(go version)" >&2
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "ensure-go: no go on PATH; installing Debian's golang-go to bootstrap $want" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq golang-go >&2
fi

# Any go since 1.17 can download the official toolchain as a module from the proxy; its bin/ holds the go we want.
toolchain_dir=$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "golang.org/toolchain@v0.0.1-$want.linux-amd64" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$toolchain_dir" ] || [ ! -f "$toolchain_dir/bin/go" ]; then
  echo "ensure-go: could not fetch $want from the Go module proxy" >&2
  exit 1
fi
# Module zips do not keep executable bits; the go command itself restores them the same way when it switches toolchains.
chmod +x "$toolchain_dir"/bin/* "$toolchain_dir"/pkg/tool/*/*
echo "ensure-go: using $("$toolchain_dir/bin/go" version) from the module cache" >&2
echo "$toolchain_dir/bin"
