package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// started is a program started by start, in a process group of its own.
type started struct {
	cmd    *exec.Cmd
	t0     time.Time // just before exec
	exited chan struct{}
}

func start(args []string, env []string) (*started, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	s := &started{cmd: cmd, exited: make(chan struct{})}
	for try := 0; ; try++ {
		s.t0 = time.Now()
		err := cmd.Start()
		if err == nil {
			break
		}
		// A binary just written can be busy for a moment (another fork
		// still holds it open for writing): try again, briefly.
		if !errors.Is(err, syscall.ETXTBSY) || try == 20 {
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
		cmd = exec.Command(args[0], args[1:]...)
		cmd.Env = env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		s.cmd = cmd
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	return s, nil
}

func (s *started) stop() { stopGroup(s.cmd.Process.Pid, s.exited, 3*time.Second) }

func (s *started) running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// frames is when a started program's window was mapped and first painted.
type frames struct{ mapped, painted time.Duration }

// watchWindow polls until the program's window is mapped, then until it is
// painted; check, when set, is called on every poll too.
func watchWindow(x *display, s *started, timeout time.Duration, check func()) (frames, error) {
	var f frames
	var w window
	found := false
	for deadline := s.t0.Add(timeout); ; {
		if !s.running() {
			return f, errors.New("the program exited before it painted a window")
		}
		if time.Now().After(deadline) {
			return f, errors.New("no painted window before the timeout")
		}
		if check != nil {
			check()
		}
		if !found {
			if w, found = x.findWindow(tree(s.cmd.Process.Pid)); found {
				f.mapped = time.Since(s.t0)
			}
		}
		if found && x.painted(w, 8) {
			f.painted = time.Since(s.t0)
			return f, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func launch(args []string, idle, timeout time.Duration) error {
	x, err := openDisplay()
	if err != nil {
		return err
	}
	defer x.close()
	s, err := start(args, os.Environ())
	if err != nil {
		return err
	}
	defer s.stop()
	f, err := watchWindow(x, s, timeout, nil)
	if err != nil {
		return err
	}
	time.Sleep(idle)
	rss, pss := memory(tree(s.cmd.Process.Pid))
	fmt.Printf("%d %d %d %d\n", f.mapped.Milliseconds(), f.painted.Milliseconds(), rss, pss)
	return nil
}
