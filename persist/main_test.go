package persist

import (
	"fmt"
	"os"
	"testing"
)

// helperEnv names the helper a re-executed test binary runs instead of the
// tests; helpers maps names to them (the realprefs tests add theirs).
const helperEnv = "PERSIST_TEST_HELPER"

var helpers = map[string]func() int{}

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		h, ok := helpers[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown helper %q\n", name)
			os.Exit(2)
		}
		os.Exit(h())
	}
	os.Exit(m.Run())
}
