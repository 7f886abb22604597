//go:build wasip1

package main

import (
	"os"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

// The WebAssembly engine is built as a WASI reactor (-buildmode=c-shared): its package
// initialisation (every API group's scheme, client-go, the metrics registry... about half
// of a run in WebAssembly) runs once, when the module is built, and wasm/snapshot.js keeps
// the memory it leaves in the module. A run then starts here, not at _start: main() never runs.

// The standard files of this run, made when it starts rather than taken from os.Stdin and its
// kin, which were made from the descriptors of the process that built the snapshot (whether a
// descriptor is a non-blocking pipe is read when its File is made). Package variables, so that
// they are never collected: a collected File closes its descriptor.
var stdin, stdout, stderr *os.File

// validate judges the request on standard input, as `validation-engine --request -`, and
// returns the exit status.
//
//go:wasmexport validate
func validate() int32 {
	klog.SetLogger(logr.Discard())
	stdin, stdout, stderr = os.NewFile(0, "/dev/stdin"), os.NewFile(1, "/dev/stdout"), os.NewFile(2, "/dev/stderr")
	return int32(run([]string{"--request", "-"}, stdin, stdout, stderr))
}
