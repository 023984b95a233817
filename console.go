package main

import "strings"

// cliArgs reports whether the command line args (without the program's
// name) asks for the command-line side, whose output someone reads in a
// terminal: -export, -format, -h, or any flag mistake that flag reports on
// stderr. A plain start of the window (no arguments, or -demo) does not.
// It reads the arguments as flag.Parse will: up to the first one that is not
// a flag, or "--".
func cliArgs(args []string) bool {
	for _, a := range args {
		if a == "--" || len(a) < 2 || a[0] != '-' {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name != "demo" {
			return true
		}
	}
	return false
}
