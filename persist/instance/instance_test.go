package instance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const waitLimit = 10 * time.Second

// instanceDir returns a short directory for sockets (sun_path is short).
func instanceDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "app")
}

// activations returns an onActivate func and the channel it reports on.
func activations() (func(), chan struct{}) {
	ch := make(chan struct{}, 16)
	return func() { ch <- struct{}{} }, ch
}

func acquire(t *testing.T, dir string, onActivate func()) (*Instance, bool) {
	t.Helper()
	inst, already, err := Acquire(dir, onActivate)
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	if already != (inst == nil) {
		t.Fatalf("Acquire: inst %v with alreadyRunning %v", inst, already)
	}
	if inst != nil {
		t.Cleanup(func() { inst.Close() })
	}
	return inst, already
}

func TestAcquireInstanceInProcess(t *testing.T) {
	dir := instanceDir(t)
	onActivate, activated := activations()
	first, already := acquire(t, dir, onActivate)
	if already {
		t.Fatal("first acquisition: already running")
	}
	assertMode(t, dir, 0o700)

	if _, already := acquire(t, dir, nil); !already {
		t.Fatal("second acquisition: not already running")
	}
	waitFor(t, activated, waitLimit, "the first copy to be activated")

	// The second copy found it running; a third does too.
	if _, already := acquire(t, dir, nil); !already {
		t.Fatal("third acquisition: not already running")
	}
	waitFor(t, activated, waitLimit, "the second activation")

	must(t, first.Close())
	must(t, first.Close()) // twice is fine
	assertNoChannel(t, dir)
	again, already := acquire(t, dir, nil)
	if already || again == nil {
		t.Fatal("after Close: still running")
	}
}

// TestAcquireInstanceAtOnce: many copies starting at the same moment (a
// double double-click): exactly one runs, and every other one activates it.
func TestAcquireInstanceAtOnce(t *testing.T) {
	dir := instanceDir(t)
	const n = 8
	onActivate, activated := activations()
	start := make(chan struct{})
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		winners  []*Instance
		already  int
		failures []error
	)
	for range n {
		wg.Go(func() {
			<-start
			inst, a, err := Acquire(dir, onActivate)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failures = append(failures, err)
			case a:
				already++
			default:
				winners = append(winners, inst)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, w := range winners {
		t.Cleanup(func() { w.Close() })
	}
	if len(failures) > 0 || len(winners) != 1 || already != n-1 {
		t.Fatalf("%d running, %d already running, errors %v", len(winners), already, failures)
	}
	for i := range n - 1 {
		waitFor(t, activated, waitLimit, fmt.Sprintf("activation %d", i+1))
	}
}

// TestAcquireWithoutChannel: when no channel can be made, the first copy
// runs on the lock alone, and a later copy learns at once that it cannot
// bring it to the front (no 5-second wait).
func TestAcquireWithoutChannel(t *testing.T) {
	dir := instanceDir(t)
	blockChannel(t, dir)
	first, already := acquire(t, dir, nil)
	if already {
		t.Fatal("first acquisition: already running")
	}
	if first.Alone() == nil {
		t.Fatal("Alone() = nil without a channel")
	}
	start := time.Now()
	second, already, err := Acquire(dir, nil)
	if second != nil || !already || !errors.Is(err, ErrNotReached) {
		t.Fatalf("second acquisition: %v, %v, %v; want already running, ErrNotReached", second, already, err)
	}
	if waited := time.Since(start); waited >= activateTimeout/2 {
		t.Errorf("the second copy waited %v for a copy that cannot answer", waited)
	}
	must(t, first.Close())
	again, already := acquire(t, dir, nil)
	if already || again == nil {
		t.Fatal("after Close: still running")
	}
}

// The helper process: another copy of the app, run by re-executing the
// test binary (see TestMain).
const (
	instanceModeEnv = "PERSIST_INSTANCE_MODE" // "once" or "hold"
	instanceDirEnv  = "PERSIST_INSTANCE_DIR"
	helperReady     = "ready"
	helperRunning   = "already-running"
	helperActive    = "activated"
)

// instanceHelper is the other process. "once": acquire, print the result,
// exit. "hold": acquire, print the result, print a line per activation,
// release when stdin closes.
func instanceHelper() int {
	var mu sync.Mutex
	say := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Println(s)
	}
	inst, already, err := Acquire(os.Getenv(instanceDirEnv), func() { say(helperActive) })
	switch {
	case err != nil:
		say("error: " + err.Error())
		return 1
	case already:
		say(helperRunning)
		return 0
	}
	say(helperReady)
	if os.Getenv(instanceModeEnv) == "hold" {
		_, _ = io.Copy(io.Discard, os.Stdin)
	}
	if err := inst.Close(); err != nil {
		say("error: " + err.Error())
		return 1
	}
	return 0
}

// helper starts the helper process in mode on dir; lines delivers its
// output line by line.
func helper(t *testing.T, mode, dir string) (cmd *exec.Cmd, stdin io.WriteCloser, lines <-chan string) {
	t.Helper()
	cmd = exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperEnv+"=instance", instanceModeEnv+"="+mode, instanceDirEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	ch := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, stdin, ch
}

// expectLine waits for the helper to print want (skipping test noise).
func expectLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("helper exited before printing %q", want)
			}
			if l == want {
				return
			}
			if strings.HasPrefix(l, "error: ") || l == helperRunning || l == helperReady {
				t.Fatalf("helper printed %q, want %q", l, want)
			}
		case <-deadline.C:
			t.Fatalf("timed out waiting for the helper to print %q", want)
		}
	}
}

func TestAcquireInstanceTwoProcesses(t *testing.T) {
	t.Run("this process first, a second process exits", func(t *testing.T) {
		dir := instanceDir(t)
		onActivate, activated := activations()
		if _, already := acquire(t, dir, onActivate); already {
			t.Fatal("already running")
		}
		cmd, _, lines := helper(t, "once", dir)
		expectLine(t, lines, helperRunning)
		waitFor(t, activated, waitLimit, "activation by the second process")
		if err := cmd.Wait(); err != nil {
			t.Fatalf("second process: %v", err)
		}
	})
	t.Run("another process first, this one finds it", func(t *testing.T) {
		dir := instanceDir(t)
		cmd, stdin, lines := helper(t, "hold", dir)
		expectLine(t, lines, helperReady)
		if _, already := acquire(t, dir, nil); !already {
			t.Fatal("not already running")
		}
		expectLine(t, lines, helperActive)
		stdin.Close() // the other copy quits
		if err := cmd.Wait(); err != nil {
			t.Fatalf("first process: %v", err)
		}
		if _, already := acquire(t, dir, nil); already {
			t.Fatal("still running after the other copy quit")
		}
	})
	t.Run("the other process crashed", func(t *testing.T) {
		dir := instanceDir(t)
		cmd, _, lines := helper(t, "hold", dir)
		expectLine(t, lines, helperReady)
		must(t, cmd.Process.Kill()) // no Close: a socket file stays
		_ = cmd.Wait()
		assertStaleChannel(t, dir)
		onActivate, activated := activations()
		if _, already := acquire(t, dir, onActivate); already {
			t.Fatal("a crashed copy counts as running")
		}
		cmd2, _, lines2 := helper(t, "once", dir)
		expectLine(t, lines2, helperRunning)
		waitFor(t, activated, waitLimit, "activation after taking over")
		_ = cmd2.Wait()
	})
}
