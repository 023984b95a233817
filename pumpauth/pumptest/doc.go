// Package pumptest is an in-process pump.io server for tests and for the app's demo mode.
//
// It behaves as a real pump.io server does, as measured against pump.io 5.1.4/6.0 (the project's PUMPIO.md notes):
// discovery through host-meta and webfinger, dynamic client registration, the three legs of OAuth 1.0a
// (RFC 5849) and a small part of the activity API (whoami, profile, inbox, feed). It verifies signatures with
// its own RFC 5849 code (signature.go: BaseString, Sign, VerifyRequest) and is stricter than pump.io where that
// catches client bugs: a nonce reused with the same consumer key and timestamp, and a timestamp more than five
// minutes away from the server's clock, are rejected with 401 "Invalid signature"; the verifier is checked at the
// access-token step.
//
// # The flow, leg by leg
//
//  1. Discovery: GET /.well-known/host-meta(.json) lists the endpoints; GET /.well-known/webfinger?resource=acct:alice@HOST
//     finds a user's profile, inbox and outbox.
//  2. Registration: POST /api/client/register {"type":"client_associate",…} returns client_id and client_secret.
//  3. Temporary credentials (RFC 5849 §2.1): POST /oauth/request_token, signed with the client credentials, with
//     oauth_callback "oob" or an http(s) URL, returns a request token.
//  4. Resource owner authorization (§2.2): the user opens /oauth/authorize?oauth_token=RT, logs in and presses
//     Authorize; for "oob" the page shows the verifier, otherwise the browser is sent to
//     CALLBACK?oauth_token=RT&oauth_verifier=V. Approve does all this in code.
//  5. Token credentials (§2.3): POST /oauth/access_token with oauth_token and oauth_verifier returns the access token.
//  6. API: GET /api/whoami redirects (302) to the user's profile, which must be signed again for its own URL.
//
// # Tests
//
// NewServer starts a server with user alice/wonderland. SetFault makes an endpoint fail (a status, a delay, a
// malformed body); ForgetClients, RevokeTokens and ExpireRequestTokens make the server forget what it issued;
// Requests, Clients, CallbackFor and LastRejection let tests look inside.
//
//	srv := pumptest.NewServer()
//	defer srv.Close()
//	// … register, get a request token for "oob" …
//	a, err := srv.Approve(ctx, srv.URL+"/oauth/authorize?oauth_token="+rt, "alice", "wonderland")
//	// a.Verifier goes to the access-token step.
//
// # Demo mode
//
// NewDemoServer serves the same protocol on a loopback port to a real browser, with user demo/demo. Its pages are
// plain HTML forms (no JavaScript) and each carries the banner "Pump Connect demo server — running on your own
// computer, nothing leaves it".
package pumptest
