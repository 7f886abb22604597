//go:build tools

// Package tools pins kaniko's executor main package so that `go mod tidy` keeps its dependencies.
package tools

import _ "github.com/GoogleContainerTools/kaniko/cmd/executor"
