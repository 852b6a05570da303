#!/usr/bin/env bash
# Regenerates packages/http/testdata/*.json from the Go on this machine: each *_dump_test.go
# here is compiled into its std package as an overlay file and run as a test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(go env GOROOT)/src"
export KA_TESTDATA="$here/.." GOFLAGS=-mod=mod GOPROXY=off
export GOCACHE="${GOCACHE:-/tmp/ka-oracle-gocache}"
run() { # pkg file...
  local pkg="$1" ov entries="" f
  shift
  ov="$(mktemp)"
  for f in "$@"; do
    entries+="${entries:+,}\"$root/$pkg/ka_${f}\":\"$here/$f\""
  done
  printf '{"Replace":{%s}}' "$entries" > "$ov"
  go test -count=1 -overlay "$ov" -run 'TestKaDump' "$pkg"
  rm -f "$ov"
}
run net/http http_dump_test.go http_x_dump_test.go
run net/http/internal chunked_dump_test.go
run net/textproto textproto_dump_test.go
run net/url url_dump_test.go
go version > "$KA_TESTDATA/GO_VERSION"
