//go:build tools

// Package tools pins the upstream main packages this module builds, so that `go mod tidy`
// keeps their dependencies.
package tools

import (
	_ "github.com/tektoncd/pipeline/cmd/controller"
)
