package persist

import (
	"encoding/json"
	"time"

	"github.com/pumpconnect/pumpconnect/pumpauth"
)

// SchemaVersion is the version of the stored layout, written under its own
// preferences key and in the backup file.
const SchemaVersion = 1

// Account is one connected (or half-connected) pump.io account, as it is
// stored: its JSON form is the stored form.
type Account struct {
	Address         string             `json:"address"`             // canonical "alice@pump.example" (pumpauth.ParseAddress); the key
	BaseURL         string             `json:"baseURL,omitempty"`   // "https://pump.example" once known ("" before)
	Endpoints       pumpauth.Endpoints `json:"endpoints,omitzero"`  // the server's endpoints as discovery found them (zero before)
	PlainHTTP       bool               `json:"plainHTTP,omitempty"` // the user allowed plain http for this server
	ClientKey       string             `json:"clientKey,omitempty"` // client_id of this application's registration on the server
	ClientSecret    string             `json:"clientSecret,omitempty"`
	ClientExpiresAt time.Time          `json:"clientExpiresAt,omitzero"` // zero: never
	Token           string             `json:"token,omitempty"`          // OAuth access token
	TokenSecret     string             `json:"tokenSecret,omitempty"`
	DisplayName     string             `json:"displayName,omitempty"` // the person's name as the server shows it
	AvatarURL       string             `json:"avatarURL,omitempty"`   // the avatar image; "" when none
	ConnectedAt     time.Time          `json:"connectedAt,omitzero"`  // zero: registered but never connected
}

// equal reports whether a and b hold the same values (times compared as instants).
func (a Account) equal(b Account) bool {
	ta, tb := a, b
	ta.ClientExpiresAt, tb.ClientExpiresAt = time.Time{}, time.Time{}
	ta.ConnectedAt, tb.ConnectedAt = time.Time{}, time.Time{}
	return ta == tb && a.ClientExpiresAt.Equal(b.ClientExpiresAt) && a.ConnectedAt.Equal(b.ConnectedAt)
}

// Client returns the registration as pumpauth wants it, for an application
// called appName (the name shown on the server's consent page).
func (a Account) Client(appName string) pumpauth.Client {
	return pumpauth.Client{
		Webfinger: a.Address,
		Name:      appName,
		Key:       a.ClientKey,
		Secret:    a.ClientSecret,
		ExpiresAt: a.ClientExpiresAt,
	}
}

// PumpToken returns the access token as pumpauth wants it (zero when none).
func (a Account) PumpToken() pumpauth.Token {
	return pumpauth.Token{Token: a.Token, Secret: a.TokenSecret}
}

// HasToken reports whether the account holds an access token.
func (a Account) HasToken() bool { return a.Token != "" }

// HasClient reports whether the account holds a client registration.
func (a Account) HasClient() bool { return a.ClientKey != "" }

// record is one stored account: a JSON document under
// keyAccountPrefix+address in the preferences, and an element of the
// backup. Rev is the store revision of the change that last wrote it; it
// decides which copy wins when the preferences and the backup disagree.
type record struct {
	V   int   `json:"v"`
	Rev int64 `json:"rev"`
	Account
}

// cleanTime drops the monotonic reading and the location, so a time
// compares equal after a round trip through JSON.
func cleanTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.Round(0).UTC()
}

// UnmarshalJSON reads a stored account. The display name is the server's
// text, and versions before pumpauth.CleanDisplayName stored it as sent:
// it is cleaned here, so every account read (from the preferences, the
// backup or a damaged file) shows a safe name, and is stored so when next
// written.
func (r *record) UnmarshalJSON(data []byte) error {
	type stored record // the same fields, without this method
	var s stored
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	*r = record(s)
	r.DisplayName = pumpauth.CleanDisplayName(r.DisplayName)
	return nil
}

func (r record) encode() string {
	b, err := json.Marshal(r)
	if err != nil { // cannot happen: only strings, bools, ints and times
		panic("persist: encoding an account: " + err.Error())
	}
	return string(b)
}

// decodeRecord parses a stored account and checks it belongs under address.
func decodeRecord(address, s string) (record, bool) {
	var r record
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return record{}, false
	}
	if r.Address != address || !validAddress(address) {
		return record{}, false
	}
	return r, true
}

// validAddress reports whether s is an address in canonical form.
func validAddress(s string) bool {
	c, err := pumpauth.ParseAddress(s)
	return err == nil && c.String() == s
}

// Addr is the account's address as pumpauth reads it, with its plain-http
// choice. The store holds only canonical addresses, so it always parses.
func (a Account) Addr() pumpauth.Address {
	addr, _ := pumpauth.ParseAddress(a.Address)
	addr.PlainHTTP = a.PlainHTTP
	return addr
}
