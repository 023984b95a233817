package pumptest

import (
	"mime"
	"sort"
	"strconv"
	"strings"
)

// Version says which pump.io release a Server behaves like where they differ: content negotiation.
type Version int

const (
	// Version514 is pump.io 5.1.4, the last release (what live servers run): the API always answers in
	// ActivityStreams 1.0 ("objectType", "displayName", "items"), whatever the Accept header says.
	Version514 Version = iota
	// Version60 is pump.io 6.0 (master, ba6b392c): profiles and collections are ActivityStreams 2.0 JSON-LD
	// ("type", "name", no "preferredUsername", "first.orderedItems") unless the request's Accept prefers
	// application/stream+json — no Accept, a wildcard, or application/stream+json itself. Accept:
	// application/json alone gets 2.0. Posting always answers in 1.0.
	Version60
)

// SetVersion makes the server behave like pump.io release v (Version514 by default).
func (s *Server) SetVersion(v Version) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.version = v
}

// The media types pump.io 6.0 offers to Express's req.accepts, in its order.
const (
	mtStream   = "application/stream+json"
	mtLDAS2    = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	mtActivity = "application/activity+json"
	ctAS2      = mtLDAS2
)

// wantsAS2 is 6.0's choice: req.accepts([stream+json, ld+json;profile=AS, activity+json]) is not stream+json.
func (s *Server) wantsAS2(accept string) bool {
	return s.version == Version60 && negotiate(accept, []string{mtStream, mtLDAS2, mtActivity}) != mtStream
}

// acceptRange is one element of an Accept header.
type acceptRange struct {
	typ, sub string
	params   map[string]string
	q        float64
	order    int
}

func parseAccept(header string) []acceptRange {
	var out []acceptRange
	for i, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		typ, sub, ok := strings.Cut(mt, "/")
		if !ok {
			continue
		}
		r := acceptRange{typ: typ, sub: sub, params: map[string]string{}, q: 1, order: i}
		for k, v := range params {
			if k == "q" {
				if q, err := strconv.ParseFloat(v, 64); err == nil {
					r.q = q
				}
				continue
			}
			r.params[k] = v
		}
		out = append(out, r)
	}
	return out
}

// negotiate picks the offered media type the Accept header prefers, as the negotiator package behind
// Express's req.accepts does: the best-matching range of each offer decides its quality (more specific
// ranges win, then higher q, then earlier ranges); offers are ranked by quality, specificity, the order of
// the range and finally their own order. No Accept header accepts the first offer; "" means none is
// acceptable.
func negotiate(accept string, offers []string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	ranges := parseAccept(accept)
	type priority struct {
		q            float64
		s, o, offer  int
		value        string
		matchedRange bool
	}
	var ranked []priority
	for i, offer := range offers {
		mt, params, err := mime.ParseMediaType(offer)
		if err != nil {
			continue
		}
		typ, sub, _ := strings.Cut(mt, "/")
		best := priority{o: -1, offer: i, value: offer}
		for _, r := range ranges {
			spec := 0
			switch {
			case r.typ == typ:
				spec |= 4
			case r.typ != "*":
				continue
			}
			switch {
			case r.sub == sub:
				spec |= 2
			case r.sub != "*":
				continue
			}
			matches := true
			for k, v := range r.params {
				if !strings.EqualFold(params[k], v) {
					matches = false
				}
			}
			if !matches {
				continue
			}
			if len(r.params) > 0 {
				spec |= 1
			}
			if !best.matchedRange || spec > best.s || (spec == best.s && r.q > best.q) ||
				(spec == best.s && r.q == best.q && r.order < best.o) {
				best = priority{q: r.q, s: spec, o: r.order, offer: i, value: offer, matchedRange: true}
			}
		}
		if best.matchedRange && best.q > 0 {
			ranked = append(ranked, best)
		}
	}
	if len(ranked) == 0 {
		return ""
	}
	sort.SliceStable(ranked, func(a, b int) bool {
		x, y := ranked[a], ranked[b]
		if x.q != y.q {
			return x.q > y.q
		}
		if x.s != y.s {
			return x.s > y.s
		}
		if x.o != y.o {
			return x.o < y.o
		}
		return x.offer < y.offer
	})
	return ranked[0].value
}
