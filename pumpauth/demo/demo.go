// Package demo is the pump.io server of `pumpconnect -demo`: a server on
// this computer (127.0.0.1, a free port) with one user, demo/demo, for
// trying the whole flow with no account and no network.
//
// It is package pumptest's server in its demo dress (pages that show the
// demo credentials and say they run locally). Importing this package is
// what links that server into the app; nothing else in the app does.
package demo

import "github.com/pumpconnect/pumpconnect/pumpauth/pumptest"

// The demo account.
const (
	Nick     = pumptest.DemoNick
	Password = pumptest.DemoPassword
)

// Server is a running demo server; Close stops it.
type Server struct{ s *pumptest.Server }

// Start starts a demo server on a loopback port.
func Start() *Server { return &Server{s: pumptest.NewDemoServer()} }

// Address is the demo account's address, "demo@127.0.0.1:PORT".
func (d *Server) Address() string { return d.s.Address(Nick) }

// Close stops the server.
func (d *Server) Close() { d.s.Close() }
