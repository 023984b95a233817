package instance

import (
	"os"
	"testing"
)

// helperEnv makes a re-executed test binary run instanceHelper (the other
// copy of the app) instead of the tests.
const helperEnv = "INSTANCE_TEST_HELPER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "instance" {
		os.Exit(instanceHelper())
	}
	os.Exit(m.Run())
}
