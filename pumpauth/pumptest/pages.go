package pumptest

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"
)

// Banner is shown at the top of every HTML page the server sends.
const Banner = "Pump Connect demo server — running on your own computer, nothing leaves it."

const layout = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Pump Connect local demo server</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4;color:#222}
.banner{background:#2d5d7b;color:#fff;padding:.6em 1em;font-weight:600}
main{max-width:34em;margin:2em auto;background:#fff;padding:1.5em 2em;border-radius:8px;box-shadow:0 1px 4px #0002}
label{display:block;margin:.8em 0}
input[type=text],input[type=password]{display:block;width:100%;padding:.4em;box-sizing:border-box}
button{font-size:1.05em;padding:.5em 1.4em;margin-top:.8em}
.error{color:#a00;font-weight:600}
.hint{color:#555;font-size:.9em}
td,th{padding:.3em .6em;text-align:left;font-family:monospace}
</style>
</head>
<body>
<div class="banner" id="banner">` + Banner + ` This is a local demo server, not a real pump.io site.</div>
<main>
{{template "content" .}}
</main>
</body>
</html>
`

var pages = map[string]string{
	"login": `{{define "content"}}<h1>Log in</h1>
<p><strong>{{.AppName}}</strong> wants to connect to an account on this server. Log in to continue.</p>
{{if .Error}}<p class="error" id="error">{{.Error}}</p>{{end}}
<form id="login" method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{{.Token}}">
<label>Nickname <input type="text" name="username" value="{{.Nick}}" autocomplete="username" autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password"></label>
<button type="submit" name="login" value="Log in">Log in</button>
</form>
{{if .Demo}}<p class="hint">Demo account: nickname <code>{{.DemoNick}}</code>, password <code>{{.DemoPassword}}</code>.</p>{{end}}
{{end}}`,

	"consent": `{{define "content"}}<h1>Authorize {{.AppName}}?</h1>
<p>Logged in as <strong>{{.DisplayName}}</strong> ({{.Address}}).</p>
<p>Do you want to authorize {{.AppName}} to access your account?</p>
<form id="authorize" method="post" action="/oauth/authorize">
<input type="hidden" name="oauth_token" value="{{.Token}}">
<button type="submit" name="authorize" value="Authorize">Authorize</button>
</form>
<p class="hint">If you do not want to, just close this window.</p>
{{end}}`,

	"complete": `{{define "content"}}<h1>Authorization Complete</h1>
<p>Copy the verifier below into {{.AppName}}.</p>
<table>
<tr><th>Token</th><td id="token">{{.Token}}</td></tr>
<tr><th>Verifier</th><td id="verifier">{{.Verifier}}</td></tr>
</table>
{{end}}`,

	"error": `{{define "content"}}<h1>{{.Title}}</h1>
<p id="message">{{.Message}}</p>
{{end}}`,

	"home": `{{define "content"}}<h1>Pump Connect demo server</h1>
<p>This pretend pump.io server runs inside Pump Connect on your own computer, for trying the app out.
Nothing you do here leaves your computer.</p>
<ul>{{range .Users}}<li><a href="/{{.Nick}}">{{.DisplayName}}</a> — <code>{{.Address}}</code></li>{{end}}</ul>
{{if .Demo}}<p class="hint">Demo account: nickname <code>{{.DemoNick}}</code>, password <code>{{.DemoPassword}}</code>.</p>{{end}}
{{end}}`,

	"profile": `{{define "content"}}<h1><img src="{{.AvatarURL}}" width="48" height="48" alt=""> {{.DisplayName}}</h1>
<p><code>{{.Address}}</code></p>
<p>A user of this local demo server.</p>
{{end}}`,
}

var templates = func() map[string]*template.Template {
	base := template.Must(template.New("layout").Parse(layout))
	m := make(map[string]*template.Template, len(pages))
	for name, src := range pages {
		m[name] = template.Must(template.Must(base.Clone()).Parse(src))
	}
	return m
}()

// pageData feeds every template; each page uses what it needs.
type pageData struct {
	Title, Message, Error      string
	AppName, Token, Verifier   string
	Nick, DisplayName, Address string
	AvatarURL                  string
	Demo                       bool
	DemoNick, DemoPassword     string
	Users                      []pageUser
}

type pageUser struct{ Nick, DisplayName, Address string }

func render(status int, name string, d pageData) reply {
	var buf bytes.Buffer
	if err := templates[name].Execute(&buf, d); err != nil {
		return textReply(http.StatusInternalServerError, "internal error: "+err.Error())
	}
	return reply{status: status, contentType: ctHTML, body: buf.Bytes()}
}

func errorPage(status int, title, msg string) reply {
	return render(status, "error", pageData{Title: title, Message: msg})
}

func (s *Server) pageData(title string) pageData {
	return pageData{Title: title, Demo: s.demo, DemoNick: DemoNick, DemoPassword: DemoPassword}
}

func (s *Server) loginPage(rt *requestToken, c *client, nick, errMsg string) reply {
	d := s.pageData("Log in")
	d.AppName, d.Token, d.Nick, d.Error = c.appName(), rt.token, nick, errMsg
	return render(http.StatusOK, "login", d)
}

func (s *Server) consentPage(rt *requestToken, c *client, nick string) reply {
	d := s.pageData("Authorize " + c.appName())
	d.AppName, d.Token, d.Nick, d.Address = c.appName(), rt.token, nick, s.Address(nick)
	if u := s.users[nick]; u != nil {
		d.DisplayName = u.displayName
	}
	return render(http.StatusOK, "consent", d)
}

func (s *Server) completePage(rt *requestToken, c *client) reply {
	d := s.pageData("Authorization Complete")
	d.AppName, d.Token, d.Verifier = c.appName(), rt.token, rt.verifier
	return render(http.StatusOK, "complete", d)
}

func (s *Server) homePage(r *http.Request) reply {
	d := s.pageData("Welcome")
	for _, u := range s.users {
		d.Users = append(d.Users, pageUser{u.nick, u.displayName, s.Address(u.nick)})
	}
	sort.Slice(d.Users, func(i, j int) bool { return d.Users[i].Nick < d.Users[j].Nick })
	return render(http.StatusOK, "home", d)
}

// profilePage is the profile-page link of webfinger: /{nick}.
func (s *Server) profilePage(r *http.Request) reply {
	u := s.users[r.PathValue("nick")]
	if u == nil {
		return errorPage(http.StatusNotFound, "Not found", "No such 'user' with id '"+r.PathValue("nick")+"'")
	}
	d := s.pageData(u.displayName)
	d.Nick, d.DisplayName, d.Address, d.AvatarURL = u.nick, u.displayName, s.Address(u.nick), s.avatarURL(u.nick)
	return render(http.StatusOK, "profile", d)
}
