package gui

import (
	"context"
	"net/http"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

func TestStart_AddressScreenFocused(t *testing.T) {
	h := newHarness(t, newStore(t), Options{DemoAddress: "demo@127.0.0.1:8000"})
	h.u.Start()
	if h.u.screen != screenAddress {
		t.Fatalf("screen %q, want address", h.u.screen)
	}
	if got := h.w.Canvas().Focused(); got != h.u.address.entry {
		t.Errorf("focused %T, want the address entry", got)
	}
	if h.w.Title() != "Pump Connect" {
		t.Errorf("title %q", h.w.Title())
	}
	if h.u.address.entry.Text != "demo@127.0.0.1:8000" {
		t.Errorf("entry %q, want the demo address", h.u.address.entry.Text)
	}
	if h.w.FixedSize() {
		t.Error("the window cannot be resized")
	}
	if h.u.address.label.Text != "Your pump.io address" || h.u.address.entry.PlaceHolder != "alice@pump.example" {
		t.Errorf("label %q placeholder %q", h.u.address.label.Text, h.u.address.entry.PlaceHolder)
	}
	if h.u.address.problem.Visible() {
		t.Error("a problem shows before anything was typed")
	}
	if h.u.address.advanced.isOpen() {
		t.Error("Advanced is open at start")
	}
	if h.u.address.plainHTTP.Text != "Allow plain HTTP (not secure)" {
		t.Errorf("plain HTTP check %q", h.u.address.plainHTTP.Text)
	}
}

func TestAddress_InlineValidation(t *testing.T) {
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	s := h.u.address
	tests := []struct{ typed, want string }{
		{"", "The address is empty; it looks like alice@pump.example."},
		{"alice", "The address needs an @ between your user name and the server, like alice@pump.example."},
		{"https://pump.example/alice", "Type your address (like alice@pump.example), not a web link."},
		{"@pump.example", "The user name before the @ is missing."},
	}
	for _, tt := range tests {
		h.submitAddress(tt.typed)
		if h.u.screen != screenAddress {
			t.Fatalf("%q: screen %q, want to stay on the address", tt.typed, h.u.screen)
		}
		if !s.problem.Visible() || s.problem.Text != tt.want {
			t.Errorf("%q: problem %q (visible %v), want %q", tt.typed, s.problem.Text, s.problem.Visible(), tt.want)
		}
	}
	// Fixing the address removes the message while typing.
	s.entry.SetText("alice@pump.exampl")
	test.Type(s.entry, "e")
	if s.problem.Visible() {
		t.Errorf("problem %q still shows for a good address", s.problem.Text)
	}
	if len(h.store.callLog()) != 0 {
		t.Errorf("store touched: %v", h.store.callLog())
	}
}

func TestCancel_EachStep(t *testing.T) {
	t.Run("contacting", func(t *testing.T) {
		s := newServer(t)
		s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		h.submitAddress(s.Address("alice"))
		if h.u.screen != screenProgress {
			t.Fatalf("screen %q", h.u.screen)
		}
		o := h.u.ctl.cur
		test.Tap(h.u.progress.cancel)
		if h.u.screen != screenAddress || h.u.address.entry.Text != s.Address("alice") {
			t.Fatalf("screen %q entry %q", h.u.screen, h.u.address.entry.Text)
		}
		if h.w.Canvas().Focused() != h.u.address.entry {
			t.Error("entry not focused after cancel")
		}
		// The flow's context is cancelled and whatever it still posts is dropped.
		if o == nil || o.ctx.Err() == nil {
			t.Fatal("the cancelled flow's context is alive")
		}
		ran := false
		h.u.ctl.post(o, func() { ran = true })
		h.drain()
		if ran {
			t.Error("a cancelled flow's result reached the screen")
		}
	})
	t.Run("approve", func(t *testing.T) {
		s := newServer(t)
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		addr := s.Address("alice")
		h.submitAddress(addr)
		link := h.nextLink()
		h.waitScreen(screenApprove)
		test.Tap(h.u.approve.cancel)
		if h.u.screen != screenAddress {
			t.Fatalf("screen %q", h.u.screen)
		}
		// The loopback listener is closed: a late approval reaches nobody.
		h.eventually("the listener to close", func() bool {
			a, err := s.Approve(context.Background(), link, "alice", "wonderland")
			return err != nil || a.CallbackStatus != http.StatusOK
		})
		if a := h.store.get(addr); a.HasToken() || a.ClientKey == "" {
			t.Errorf("stored %+v: want the registration and no token", a)
		}
	})
	t.Run("code", func(t *testing.T) {
		s := newServer(t)
		h := newHarness(t, newStore(t), Options{})
		h.u.Start()
		h.submitAddress(s.Address("alice"))
		h.waitScreen(screenApprove)
		test.Tap(h.u.approve.codeButton)
		h.waitScreen(screenCode)
		test.Tap(h.u.code.cancel)
		if h.u.screen != screenAddress {
			t.Fatalf("screen %q", h.u.screen)
		}
	})
	t.Run("reconnecting", func(t *testing.T) {
		s := newServer(t)
		st := connectedStore(t, s)
		s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
		h := newHarness(t, st, Options{})
		h.u.Start()
		test.Tap(h.u.progress.cancel)
		if h.u.screen != screenAddress || h.u.address.entry.Text != s.Address("alice") {
			t.Fatalf("screen %q entry %q", h.u.screen, h.u.address.entry.Text)
		}
		if !st.get(s.Address("alice")).HasToken() {
			t.Error("cancelling a reconnect dropped the token")
		}
	})
}

func TestEscape_Cancels(t *testing.T) {
	esc := &fyne.KeyEvent{Name: fyne.KeyEscape}
	s := newServer(t)
	s.SetFault(pumptest.HostMeta, pumptest.Fault{Delay: time.Minute})
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	addr := s.Address("alice")

	// Progress: nothing focused, so the canvas gets the key.
	h.submitAddress(addr)
	if h.w.Canvas().Focused() != nil {
		t.Errorf("focused %T on the progress screen", h.w.Canvas().Focused())
	}
	h.w.Canvas().OnTypedKey()(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("progress: screen %q", h.u.screen)
	}
	s.ClearFaults()

	// Approve, with a focused button.
	h.submitAddress(addr)
	h.waitScreen(screenApprove)
	h.w.Canvas().Focus(h.u.approve.copyLink)
	h.u.approve.copyLink.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("approve: screen %q", h.u.screen)
	}

	// Code, with the focused entry.
	h.submitAddress(addr)
	h.waitScreen(screenApprove)
	test.Tap(h.u.approve.codeButton)
	h.waitScreen(screenCode)
	if h.w.Canvas().Focused() != h.u.code.entry {
		t.Errorf("focused %T on the code screen", h.w.Canvas().Focused())
	}
	h.u.code.entry.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("code: screen %q", h.u.screen)
	}

	// On the address screen Escape does nothing.
	h.u.address.entry.TypedKey(esc)
	if h.u.screen != screenAddress {
		t.Fatalf("address: screen %q", h.u.screen)
	}
}

func TestTabOrder_Address(t *testing.T) {
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	test.FocusNext(h.w.Canvas())
	// After the entry comes the Advanced header (its button) or Connect;
	// either way focus must leave the entry and reach Connect eventually.
	seen := false
	for i := 0; i < 6; i++ {
		if h.w.Canvas().Focused() == fyne.Focusable(h.u.address.connect) {
			seen = true
			break
		}
		test.FocusNext(h.w.Canvas())
	}
	if !seen {
		t.Error("Tab never reaches Connect")
	}
	// Enter on the focused Connect button connects (here: shows the check).
	h.u.address.connect.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !h.u.address.problem.Visible() {
		t.Error("Enter on Connect did nothing")
	}
}

func TestWindowCloseCancels(t *testing.T) {
	s := newServer(t)
	h := newHarness(t, newStore(t), Options{})
	h.u.Start()
	h.submitAddress(s.Address("alice"))
	link := h.nextLink()
	h.waitScreen(screenApprove)
	h.w.Close()
	if h.u.ctl.root.Err() == nil {
		t.Fatal("root context alive after close")
	}
	h.eventually("the listener to close", func() bool {
		a, err := s.Approve(context.Background(), link, "alice", "wonderland")
		return err != nil || a.CallbackStatus != http.StatusOK
	})
}
