//go:build tools

// Package tools pins Gogs' main package so that `go mod tidy` keeps its dependencies.
package tools

import _ "gogs.io/gogs"
