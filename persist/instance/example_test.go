package instance_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/pumpconnect/pumpconnect/persist/instance"
)

func ExampleAcquire() {
	dir, cleanup := exampleDir()
	defer cleanup()
	inst, alreadyRunning, err := instance.Acquire(dir, func() {
		// In the app: fyne.Do(func() { w.Show(); w.RequestFocus() })
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if alreadyRunning {
		return // main: os.Exit(0); the running copy comes to the front
	}
	defer inst.Close()

	_, second, _ := instance.Acquire(dir, nil) // what a second copy sees
	fmt.Println("second copy already running:", second)
	// Output:
	// second copy already running: true
}

// exampleDir returns a short private temporary directory (socket paths are short).
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "pc")
	if err != nil {
		panic(err)
	}
	return filepath.Join(dir, "app"), func() { os.RemoveAll(dir) }
}
