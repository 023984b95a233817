// Command pumpserve runs the test pump.io server (pumpauth/pumptest) for
// packaging/test-wine.sh, which drives the Windows program under wine from
// a shell script.
//
// It prints "address alice@127.0.0.1:PORT" once listening, then watches
// the -urls file, where the test's fake browser appends each URL the
// program opens, and approves each new one as alice/wonderland, printing
// "approved" or "approve failed: …". It keeps the request counts the test
// checks in the -stats file ("register N", "whoami N", …, one a line,
// replaced whole), and stops on SIGINT or SIGTERM.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// pollEvery: how often the URL file and the counts are looked at.
const pollEvery = 50 * time.Millisecond

func main() {
	urls := flag.String("urls", "", "file the fake browser appends URLs to (required)")
	stats := flag.String("stats", "", "file to keep the request counts in (required)")
	flag.Parse()
	if *urls == "" || *stats == "" {
		flag.Usage()
		os.Exit(2)
	}
	srv := pumptest.NewServer()
	defer srv.Close()
	fmt.Println("address", srv.Address(pumptest.DefaultNick))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	approved, written := 0, ""
	for {
		lines := readLines(*urls)
		for ; approved < len(lines); approved++ {
			if _, err := srv.Approve(ctx, lines[approved], pumptest.DefaultNick, pumptest.DefaultPassword); err != nil {
				fmt.Println("approve failed:", err)
			} else {
				fmt.Println("approved")
			}
		}
		if s := counts(srv); s != written && writeFile(*stats, s) == nil {
			written = s
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// readLines is the file's non-empty lines (none when it is missing).
func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func counts(srv *pumptest.Server) string {
	var b strings.Builder
	for _, ep := range []pumptest.Endpoint{pumptest.Register, pumptest.RequestToken, pumptest.AccessToken, pumptest.Whoami} {
		fmt.Fprintf(&b, "%s %d\n", ep, srv.Requests(ep))
	}
	return b.String()
}

// writeFile replaces path with s (write, then rename: never half a file).
func writeFile(path, s string) error {
	if err := os.WriteFile(path+".new", []byte(s), 0o644); err != nil {
		return err
	}
	return os.Rename(path+".new", path)
}
