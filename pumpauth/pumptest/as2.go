package pumptest

import "unicode"

// What pump.io 6.0 sends when it answers in ActivityStreams 2.0 (see Version60), converted from the 1.0
// objects this server keeps, in the shapes measured on a real 6.0 server: a person's id is its web page, its
// name is "name", it has no preferredUsername, followers and following are bare URLs, url and image are Link
// objects; a post is a Create whose 1.0 content became its summary; a collection's items are under
// first.orderedItems (see as2Collection).

const as2Context = "https://www.w3.org/ns/activitystreams"

// as2Document converts a top-level object and adds the JSON-LD context.
func as2Document(v map[string]any) map[string]any {
	out := as2Value(v).(map[string]any)
	out["@context"] = as2Context
	return out
}

func as2Value(v any) any {
	switch x := v.(type) {
	case map[string]any:
		switch {
		case x["objectType"] != nil:
			return as2Object(x)
		case x["verb"] != nil:
			return as2Activity(x)
		case x["items"] != nil || x["totalItems"] != nil:
			return as2Collection(x)
		}
		return as2Object(x)
	case []map[string]any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = as2Value(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = as2Value(item)
		}
		return out
	}
	return v
}

func as2Link(href any) map[string]any {
	return map[string]any{"type": "Link", "href": href, "mediaType": "text/html"}
}

// capitalized is "Person" for "person".
func capitalized(s string) string {
	if s == "" {
		return "Object"
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func as2Object(o map[string]any) map[string]any {
	objectType, _ := o["objectType"].(string)
	out := map[string]any{"type": capitalized(objectType), "id": o["id"]}
	if objectType == "person" {
		out["id"] = o["url"] // 6.0 names a person by their web page
	}
	for _, k := range []string{"content", "summary", "published", "updated"} {
		if v, ok := o[k]; ok {
			out[k] = v
		}
	}
	if v, ok := o["displayName"]; ok {
		out["name"] = v
	}
	if v, ok := o["url"]; ok {
		out["url"] = as2Link(v)
	}
	if img, ok := o["image"].(map[string]any); ok {
		out["image"] = map[string]any{"type": "Object", "url": as2Link(img["url"])}
	}
	if a, ok := o["author"].(map[string]any); ok {
		out["attributedTo"] = as2Object(a)
	}
	for from, to := range map[string]string{"followers": "followers", "following": "following", "favorites": "liked"} {
		if c, ok := o[from].(map[string]any); ok {
			out[to] = firstString(c["url"], c["id"])
		}
	}
	if links, ok := o["links"].(map[string]any); ok {
		for from, to := range map[string]string{"activity-inbox": "inbox", "activity-outbox": "outbox"} {
			if l, ok := links[from].(map[string]string); ok {
				out[to] = l["href"]
			}
		}
	}
	return out
}

func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// activityTypes maps pump.io verbs to ActivityStreams 2.0 activity types.
var activityTypes = map[string]string{"post": "Create", "share": "Announce", "favorite": "Like", "unfavorite": "Undo"}

func as2Activity(a map[string]any) map[string]any {
	verb, _ := a["verb"].(string)
	typ, ok := activityTypes[verb]
	if !ok {
		typ = capitalized(verb)
	}
	out := map[string]any{"id": a["id"], "type": typ}
	for _, k := range []string{"published", "updated"} {
		if v, ok := a[k]; ok {
			out[k] = v
		}
	}
	if v, ok := a["content"]; ok {
		out["summary"] = v
	}
	if v, ok := a["url"]; ok {
		out["url"] = as2Link(v)
	}
	for _, k := range []string{"actor", "object"} {
		if v, ok := a[k]; ok {
			out[k] = as2Value(v)
		}
	}
	if to, ok := a["to"].([]any); ok {
		if len(to) == 1 {
			out["to"] = as2Value(to[0])
		} else {
			out["to"] = as2Value(to)
		}
	}
	return out
}

// as2Collection converts a collection as pump.io 6.0's lib/as2.js does: a "first" page only when the stream
// is not empty; on it the page's items (left out when the page is empty), its id (links.first) and the
// next and prev links as bare URLs.
func as2Collection(c map[string]any) map[string]any {
	id := firstString(c["url"], c["id"])
	out := map[string]any{"id": id, "type": "OrderedCollection", "totalItems": c["totalItems"]}
	items, _ := as2Value(c["items"]).([]any)
	if total, _ := c["totalItems"].(int); total == 0 && len(items) == 0 {
		return out
	}
	page := map[string]any{"type": "OrderedCollectionPage"}
	if len(items) > 0 {
		page["orderedItems"] = items
	}
	links, _ := c["links"].(map[string]any)
	for _, rel := range []string{"first", "next", "prev"} {
		if l, ok := links[rel].(map[string]string); ok {
			key := rel
			if rel == "first" {
				key = "id"
			}
			page[key] = l["href"]
		}
	}
	out["first"] = page
	return out
}
