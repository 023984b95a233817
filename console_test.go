package main

import "testing"

func TestCLIArgs(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"-demo"}, false},
		{[]string{"--demo"}, false},
		{[]string{"-demo=false"}, false},
		{[]string{"-export", "alice@pump.example"}, true},
		{[]string{"--export=alice@pump.example", "-format", "env"}, true},
		{[]string{"-demo", "-export", "alice@pump.example"}, true},
		{[]string{"-format", "env"}, true},
		{[]string{"-export"}, true}, // flag says the value is missing
		{[]string{"-h"}, true},
		{[]string{"-help"}, true},
		{[]string{"-exprot", "alice@pump.example"}, true}, // flag says it has no such flag
		{[]string{"-"}, false},                            // not a flag: flag stops here
		{[]string{"-demo", "stray", "-export", "x"}, false},
		{[]string{"--", "-export", "x"}, false},
	} {
		if got := cliArgs(tc.args); got != tc.want {
			t.Errorf("cliArgs(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}
