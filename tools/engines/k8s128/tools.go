//go:build tools

// Package tools pins the main packages this module builds, so that `go mod tidy` keeps
// their dependencies in go.sum. kube-apiserver, kube-controller-manager, kube-scheduler and
// kubectl make build.sh's `k8s` group; kubelet and kube-proxy (a real node) its `node` group.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
