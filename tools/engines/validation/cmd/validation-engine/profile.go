package main

import (
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the run to path ($VALIDATION_ENGINE_CPUPROFILE), for
// finding where the engine spends its time; it returns the function that stops it.
func startProfile(path string) func() {
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
