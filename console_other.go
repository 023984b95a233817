//go:build !windows

package main

// useParentConsole does nothing here: a program started from a terminal
// writes to it. (On Windows, see console_windows.go.)
func useParentConsole([]string) {}
