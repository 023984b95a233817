package gui

import (
	"context"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// attempt is one piece of work on one account: connecting it, reconnecting
// it, waiting for a pasted code, loading its avatar. It carries everything
// the flow needs — the address (parsed once, with the plain-http choice),
// the pumpauth connection once there is one, the context that closing the
// window or starting something else cancels, and how to try it again — so
// nothing is passed around loose. Its results reach the window only while
// it is the controller's current attempt.
type attempt struct {
	addr   pumpauth.Address
	pump   *pumpauth.Pump // nil until the attempt has one
	ctx    context.Context
	cancel context.CancelFunc
	retry  func() // starts the same work again (UI goroutine)
	// plainChosen: the person ticked Allow plain HTTP on the address
	// screen for this attempt, so it may move an account that used https
	// to plain http (see controller.pinnedHTTPS). A stored plain-HTTP
	// choice never sets it.
	plainChosen bool
}

// done reports whether the attempt was cancelled or replaced.
func (a *attempt) done() bool { return a.ctx.Err() != nil }
