package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/pumpconnect/pumpconnect/persist"
	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// Exit statuses of `pumpconnect -export ADDRESS [-format pypump|env]`.
const (
	exitExported   = 0 // the keys are on stdout
	exitNotThere   = 1 // no such account, it is not connected, or the settings cannot be read
	exitUsageError = 2 // not an address, or an unknown format (as flag's own errors)
)

// Export formats.
const (
	formatPyPump = "pypump" // the JSON object PyPump's credentials.json holds for the account
	formatEnv    = "env"    // shell `export NAME='value'` lines
)

// exportCommand is `pumpconnect -export ADDRESS [-format F]` (also
// -format alone, a mistake) with the app's storage root, or the error
// that kept it from being found; it returns the exit status.
func exportCommand(stdout, stderr io.Writer, root string, rootErr error, address, format string) int {
	switch {
	case address == "":
		fmt.Fprintln(stderr, "pumpconnect: -format goes with -export ADDRESS")
		return exitUsageError
	case rootErr != nil:
		fmt.Fprintln(stderr, "pumpconnect: cannot find the saved accounts:", rootErr)
		return exitNotThere
	}
	return runExport(stdout, stderr, root, address, format)
}

// runExport prints the keys of the account stored under address in the
// settings of the app whose storage root is root, in format, on stdout,
// and returns the exit status. It reads the settings and their backup
// without writing them, and takes no part in the single-instance guard, so
// it works the same while the window is open. On failure it writes one line
// to stderr and nothing to stdout. Nothing it writes to stderr holds a key.
func runExport(stdout, stderr io.Writer, root, address, format string) int {
	failf := func(status int, f string, args ...any) int {
		fmt.Fprintf(stderr, "pumpconnect: "+f+"\n", args...)
		return status
	}
	if format != formatPyPump && format != formatEnv {
		return failf(exitUsageError, "-format must be %s or %s, not %q", formatPyPump, formatEnv, format)
	}
	addr, err := pumpauth.ParseAddress(address)
	if err != nil {
		var ae *pumpauth.AddressError
		if errors.As(err, &ae) {
			return failf(exitUsageError, "-export %q: %s", address, ae.Reason)
		}
		return failf(exitUsageError, "-export %q is not an address like alice@pump.example", address)
	}
	accounts, err := persist.ReadAccounts(persist.PreferencesPath(root))
	if err != nil {
		return failf(exitNotThere, "cannot read the saved accounts: %v", err)
	}
	acct, err := persist.FindAccount(accounts, addr)
	if err != nil {
		return failf(exitNotThere, "no account %s is saved on this computer; connect it in Pump Connect first", addr)
	}
	var out []byte
	switch format {
	case formatPyPump:
		out, err = persist.PyPumpJSON(acct)
	case formatEnv:
		var s string
		s, err = persist.EnvExport(acct)
		out = []byte(s)
	}
	if errors.Is(err, persist.ErrNotConnected) {
		return failf(exitNotThere, "%s is saved but not connected (no permission yet, or the server withdrew it); connect it in Pump Connect first", acct.Address)
	} else if err != nil {
		return failf(exitNotThere, "%v", err)
	}
	if _, err := stdout.Write(out); err != nil {
		return failf(exitNotThere, "writing the keys: %v", err)
	}
	return exitExported
}
