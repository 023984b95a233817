// Package pumpauth connects an application to a person's pump.io account.
//
// pump.io speaks OAuth 1.0a (RFC 5849) with dynamic client registration: an
// application registers itself on each user's server at run time, and the
// flow has these legs, each a method here:
//
//  1. Discovery: the server's host-meta names its endpoints and webfinger
//     confirms that the user exists ([Pump.Register] does both).
//  2. Registration: client_associate gives the application a client_id and
//     client_secret for that server ([Pump.Register]); store them in
//     [Client] and reuse them next time.
//  3. Authorization: a request token, the person approves on the server's
//     authorize page, the verifier comes back, and it is exchanged for an
//     access token ([Pump.Authorize] with a [VerifierFunc] for the copy-paste
//     "oob" flow, or [Pump.AuthorizeInBrowser], which captures the verifier
//     itself through a loopback callback as RFC 8252 describes).
//  4. Use: [Pump.Whoami] and [Pump.HTTPClient] sign every request with the
//     client credentials and the access token.
//
// Every network call takes a context, has a default timeout, reads bodies
// through a size limit, and fails with an error that wraps one of the
// sentinel errors (ErrUnknownUser, ErrClientRejected, …) so a user interface
// can explain it; [ResponseError] carries the operation and HTTP status.
// No error text ever contains a client secret, token secret, verifier or
// signature.
//
// Signed requests, token steps and registration never follow a redirect to
// another origin (scheme, host or port): the server's answer is refused
// with an error wrapping ErrBadResponse that names where it pointed. An
// account that connected over https stays on https ([WithPinnedScheme],
// or stored https [Endpoints]): it never falls back to plain http by
// itself, and a server that dropped https gives ErrSchemeDowngrade. Only
// localhost itself and loopback addresses count as this computer
// ([Address.IsLoopback]), where plain http is allowed without
// [WithPlainHTTP]. Display names from servers are cleaned
// ([CleanDisplayName]) before any Profile or Activity carries them.
//
// The package does not import any GUI toolkit. Its test server lives in
// package pumptest.
package pumpauth
