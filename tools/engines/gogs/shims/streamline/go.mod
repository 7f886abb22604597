// A stand-in for go.bobheadxi.dev/streamline, which the Go module proxy does not serve. Gogs
// reaches it only through github.com/sourcegraph/run (used to call ssh-keygen); this module
// implements the part of its API that package uses: line streams with per-line pipelines.
module go.bobheadxi.dev/streamline

go 1.22
