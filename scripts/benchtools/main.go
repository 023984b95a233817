// Command benchtools is what scripts/bench.sh measures with (it is not part
// of the app):
//
//	benchtools launch [-idle 3s] -- CMD ARGS…
//	    starts CMD in a process group of its own and prints, in one line,
//	    "MAP_MS PAINT_MS RSS_KIB PSS_KIB": milliseconds from exec until a
//	    window of its process tree is mapped, and until that window's pixels
//	    are no longer all one colour (sampled every 5 ms, one row in 8, with
//	    XGetImage; Xvfb must run with -br so an undrawn window is black);
//	    then the RSS and PSS of the whole process tree after idle.
//	benchtools connect -bin PUMPCONNECT [-rounds 7]
//	    against a pumptest server: one first connect driven as a person
//	    would (xdotool types the address, a scripted browser approves), then
//	    restarts with the saved account, each timed until its reconnect is
//	    done (pumptest has served the profile). Prints "key value…" lines.
//
// Both need $DISPLAY; scripts/bench.sh starts a fresh Xvfb for each run.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "launch":
		fs := flag.NewFlagSet("launch", flag.ExitOnError)
		idle := fs.Duration("idle", 3e9, "how long to leave the program idle after its first paint before reading its memory")
		timeout := fs.Duration("timeout", 30e9, "give up when no window is painted by then")
		_ = fs.Parse(os.Args[2:])
		if fs.NArg() == 0 {
			usage()
		}
		err = launch(fs.Args(), *idle, *timeout)
	case "connect":
		fs := flag.NewFlagSet("connect", flag.ExitOnError)
		bin := fs.String("bin", "", "the pumpconnect binary")
		rounds := fs.Int("rounds", 7, "restarts with the saved account")
		_ = fs.Parse(os.Args[2:])
		if *bin == "" {
			usage()
		}
		err = connect(*bin, *rounds)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtools:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: benchtools launch [-idle 3s] -- CMD ARGS… | benchtools connect -bin PUMPCONNECT [-rounds N]")
	os.Exit(2)
}
