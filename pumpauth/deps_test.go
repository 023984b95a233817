package pumpauth

import (
	"os/exec"
	"strings"
	"testing"
)

// pumpauth is the protocol alone: it must not pull in any GUI toolkit.
func TestImportsNoFyne(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/pumpconnect/pumpconnect/pumpauth", "github.com/pumpconnect/pumpconnect/pumpauth/pumptest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list gave %d packages: %s", len(deps), out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") {
			t.Errorf("pumpauth depends on %s", d)
		}
	}
}
