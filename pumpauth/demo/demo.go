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

// Start starts a demo server on a loopback port. The demo account follows
// two made-up people whose notes are in its inbox, so the account home has
// something to show.
func Start() *Server {
	s := pumptest.NewDemoServer()
	s.AddUser("ada", "ada-demo", "Ada Example")
	s.AddUser("sam", "sam-demo", "Sam Example")
	_ = s.SetFollowCounts(Nick, 2, 2)
	for _, n := range []struct{ from, html string }{
		{"ada", "<p>Welcome to the <b>Pump Connect</b> demo! This server runs on your computer only.</p>"},
		{"sam", `<p>Notes come as HTML from the server; Pump Connect shows them as plain text, links included: <a href="https://pump.io/">pump.io</a></p>`},
		{"ada", "<p>Try posting a note above: Ctrl+Enter sends it, and it shows up here.</p>"},
	} {
		_, _ = s.Deliver(Nick, n.from, n.html)
	}
	return &Server{s: s}
}

// Address is the demo account's address, "demo@127.0.0.1:PORT".
func (d *Server) Address() string { return d.s.Address(Nick) }

// Close stops the server.
func (d *Server) Close() { d.s.Close() }
