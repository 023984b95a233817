package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

// profileStartup writes a CPU profile of the first seconds of the run to
// $PUMPCONNECT_CPUPROFILE, and a heap profile taken at their end to the
// same name with ".heap" added, when that variable is set (for
// docs/benchmarks.md; people never need it). PUMPCONNECT_PROFILE_SECONDS
// sets how long (default 3, so start-up, the first frame and a reconnect).
func profileStartup() {
	path := os.Getenv("PUMPCONNECT_CPUPROFILE")
	if path == "" {
		return
	}
	secs, err := strconv.ParseFloat(os.Getenv("PUMPCONNECT_PROFILE_SECONDS"), 64)
	if err != nil || secs <= 0 {
		secs = 3
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pumpconnect: profile:", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "pumpconnect: profile:", err)
		f.Close()
		return
	}
	time.AfterFunc(time.Duration(secs*float64(time.Second)), func() {
		pprof.StopCPUProfile()
		f.Close()
		h, err := os.Create(path + ".heap")
		if err != nil {
			return
		}
		defer h.Close()
		runtime.GC()
		_ = pprof.WriteHeapProfile(h)
	})
}
