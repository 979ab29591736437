#!/usr/bin/env bash
# Makes sure etcd 3.4+ (Debian's etcd-server) is installed: the paper profile's three orderers replicate their
# ordering log through an etcd Raft cluster. Idempotent: with etcd on PATH it only prints its version. Needs root
# (CI and the developer machines run as root) the first time.
set -euo pipefail

if ! command -v etcd >/dev/null 2>&1; then
  echo "etcd not found: installing Debian's etcd-server" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >&2
  # The package enables a system service on hosts with systemd; fhirledger runs its own members only.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
    systemctl disable --now etcd >&2 || true
  fi
fi
etcd --version | sed -n 1p   # sed reads it all: head would close the pipe early and pipefail turn etcd's SIGPIPE into exit 141
