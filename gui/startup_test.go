package gui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/persist/instance"
)

// TestStartupProblem: each reason the app cannot start has its own words,
// and what a technical reader needs (the folder) is under Details.
func TestStartupProblem(t *testing.T) {
	test.NewTempApp(t)
	tests := []struct {
		err         error
		title, text string // substrings
		details     bool
	}{
		{fmt.Errorf("%w: it runs without a socket", instance.ErrNotReached), "already open", "taskbar", false},
		{fmt.Errorf("%w (layout 9, this version knows 1)", persist.ErrNewerSchema), "can't start", "newer version", true},
		{errors.New("instance: mkdir /home/a/.config/fyne/x: permission denied"), "can't start", "settings folder", true},
	}
	for _, tc := range tests {
		t.Run(tc.err.Error(), func(t *testing.T) {
			s := newProblemScreen(nil)
			s.show(startupProblem(tc.err))
			if !strings.Contains(s.title.Text, tc.title) || !strings.Contains(s.text.Text, tc.text) {
				t.Errorf("shows %q / %q, want %q / %q", s.title.Text, s.text.Text, tc.title, tc.text)
			}
			if got := s.more.content.Visible() && s.details.Text == details(tc.err); got != tc.details {
				t.Errorf("details shown: %v (%q), want %v", s.more.content.Visible(), s.details.Text, tc.details)
			}
		})
	}
}
