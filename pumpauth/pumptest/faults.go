package pumptest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault makes an endpoint misbehave. Faults apply before normal handling, and a Fault with only Delay set
// delays the normal answer.
type Fault struct {
	Status      int             // respond with this status (0: no status fault)
	Body        string          // body for Status (default: a pump.io-like body for that status)
	ContentType string          // Content-Type for Status or Malformed (default: what the endpoint would send)
	Delay       time.Duration   // wait before answering; ends early when the client gives up or the server closes
	Malformed   bool            // answer 200 with a truncated or garbled body of the endpoint's content type
	Arrived     chan<- Endpoint // told (without blocking) each time a request reaches the fault, so tests need not poll
}

// SetFault makes every later request to ep fail as f says, until ClearFaults.
func (s *Server) SetFault(ep Endpoint, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[ep] = f
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// applyFault answers r as f says. It reports whether normal handling should go on (a Delay-only fault).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, ep Endpoint, f Fault) bool {
	if f.Arrived != nil {
		select {
		case f.Arrived <- ep:
		default:
		}
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false // the client gave up: nobody reads an answer
		case <-s.done:
			return false
		}
	}
	var rep reply
	switch {
	case f.Status != 0:
		rep = faultReply(ep, f.Status)
	case f.Malformed:
		rep = malformedReply(ep)
	default:
		return true
	}
	if f.Body != "" {
		rep.body = []byte(f.Body)
	}
	if f.ContentType != "" {
		rep.contentType = f.ContentType
	}
	rep.write(w)
	return false
}

const (
	ctJSON = "application/json; charset=utf-8"
	ctText = "text/plain; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
	ctForm = "application/x-www-form-urlencoded"
)

// faultReply is what pump.io (or the proxy in front of it) sends with status on ep.
func faultReply(ep Endpoint, status int) reply {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		// A reverse proxy (nginx) in front of a dead or slow pump.io answers these with its own HTML page.
		t := strconv.Itoa(status) + " " + http.StatusText(status)
		return reply{status: status, contentType: "text/html",
			body: []byte("<html>\r\n<head><title>" + t + "</title></head>\r\n<body>\r\n<center><h1>" + t +
				"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")}
	}
	switch ep {
	case RequestToken, AccessToken:
		msg := http.StatusText(status)
		switch status {
		case http.StatusBadRequest:
			msg = "Invalid Consumer Key"
		case http.StatusUnauthorized:
			msg = "Invalid signature"
			if ep == AccessToken {
				msg = "Invalid / expired Token"
			}
		case http.StatusInternalServerError:
			msg = "internal error"
		}
		return textReply(status, msg)
	case Register, Whoami, Profile, Inbox, Feed:
		msg := http.StatusText(status)
		switch status {
		case http.StatusUnauthorized:
			msg = "Not logged in."
		case http.StatusForbidden:
			msg = "Unauthorized"
		}
		return jsonError(status, msg)
	case Authorize:
		return errorPage(status, http.StatusText(status), "The server could not handle this request.")
	default: // HostMeta, Webfinger
		return textReply(status, http.StatusText(status))
	}
}

// malformedReply is a 200 whose body cannot be used: truncated JSON, HTML where JSON is due, a token
// response without a secret.
func malformedReply(ep Endpoint) reply {
	switch ep {
	case HostMeta, Webfinger:
		return reply{contentType: ctJSON, body: []byte(`{"links":[`)}
	case Register:
		return reply{contentType: ctJSON, body: []byte(`{"client_id":"`)}
	case RequestToken, AccessToken:
		return reply{contentType: ctForm, body: []byte(`oauth_token=`)}
	case Authorize:
		return reply{contentType: ctHTML, body: []byte(`<!DOCTYPE html><html><head><title>Pump`)}
	case Whoami:
		// HTML where JSON is due, with the JSON content type: a misconfigured proxy's page.
		return reply{contentType: ctJSON, body: []byte(`<html><body><h1>Welcome to nginx!</h1></body></html>`)}
	case Profile:
		return reply{contentType: ctJSON, body: []byte(`{"objectType":"person","id":`)}
	default: // Inbox, Feed
		return reply{contentType: ctJSON, body: []byte(`{"items":[{"verb":`)}
	}
}
