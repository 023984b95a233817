package pumpauth_test

import (
	"context"
	"fmt"
	"log"

	"github.com/pumpconnect/pumpconnect/pumpauth"
	"github.com/pumpconnect/pumpconnect/pumpauth/pumptest"
)

// The two snippets of the PyPump example, in Go: the first connection
// (register, approve, get a token), then a reconnect with the stored
// credentials, which needs neither registration nor approval.
func Example() {
	server := pumptest.NewServer() // a pump.io server on this computer, for the example
	defer server.Close()
	ctx := context.Background()

	// First connection: PyPump's Client(webfinger, name, type) and
	// PyPump(client, verifier_callback=…).
	p, err := pumpauth.New(pumpauth.Client{
		Webfinger: server.Address("alice"), // "alice@127.0.0.1:PORT"
		Name:      "Pump Connect",
		Type:      "native",
	})
	if err != nil {
		log.Fatal(err)
	}
	token, err := p.Authorize(ctx, func(ctx context.Context, authorizeURL string) (string, error) {
		// A real program shows authorizeURL and asks for the code the
		// server displays after approval; here the test server's
		// "browser" logs in and approves.
		approval, err := server.Approve(ctx, authorizeURL, "alice", "wonderland")
		return approval.Verifier, err
	})
	if err != nil {
		log.Fatal(err)
	}
	client := p.Client() // store client.Key, client.Secret, client.ExpiresAt and token

	// Next time: PyPump(client=Client(…, key, secret), token, secret).
	again, err := pumpauth.New(client, pumpauth.WithToken(token))
	if err != nil {
		log.Fatal(err)
	}
	me, err := again.Whoami(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("connected as", me.DisplayName)
	fmt.Println("registrations:", server.Requests(pumptest.Register))
	// Output:
	// connected as Alice Example
	// registrations: 1
}

// AuthorizeInBrowser captures the verifier by itself: the browser is sent
// back to a loopback address Pump Connect listens on.
func ExamplePump_AuthorizeInBrowser() {
	server := pumptest.NewServer()
	defer server.Close()
	p, err := pumpauth.New(pumpauth.Client{Webfinger: server.Address("alice"), Name: "Pump Connect"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = p.AuthorizeInBrowser(context.Background(), func(authorizeURL string) {
		// A real program opens authorizeURL in the browser; the person approves.
		go server.Approve(context.Background(), authorizeURL, "alice", "wonderland")
	})
	fmt.Println("approved:", err == nil)
	// Output: approved: true
}

// A display name is the server's text: CleanDisplayName removes what could
// disguise it on screen (here a right-to-left override, a newline and a
// zero-width space) before it is shown or stored.
func ExampleCleanDisplayName() {
	fmt.Printf("%q\n", pumpauth.CleanDisplayName("  \u202eAlice\n\u200bExample  "))
	// Output: "Alice Example"
}

func ExamplePlainText() {
	content := `<p>Look &amp; see: <a href="https://pump.example/alice/note/1">my note</a></p>` +
		`<p>&lt;script&gt; is shown, <script>alert(1)</script>not run<br>` +
		`<a href="javascript:alert(1)">nor this</a></p>`
	fmt.Println(pumpauth.PlainText(content))
	// Output:
	// Look & see: my note (https://pump.example/alice/note/1)
	//
	// <script> is shown, not run
	// nor this
}
