package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// problems records what checkPage reports, for the test of checkPage itself.
type problems []string

func (p *problems) Helper() {}
func (p *problems) Errorf(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// checkPage is what every page test leans on: a page that breaks one of its rules must
// be reported, each rule on its own, and a clean page not at all.
func TestCheckPageCatchesEachRule(t *testing.T) {
	head := http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Cache-Control": {"no-store"}}
	clean := `<!doctype html><html lang="ru"><body><nav class="lang-switch"></nav>
<form action="/apply" method="post"><label for="inn">ИНН</label>
<input id="inn" name="inn" aria-describedby="inn-hint inn-error"><p id="inn-hint">14</p><p id="inn-error"></p>
<a href="/status?id=42">x</a><script src="/static/app.js"></script></form></body></html>`
	var none problems
	checkPage(&none, "clean", page{status: 200, body: clean, header: head})
	if len(none) != 0 {
		t.Fatalf("a clean page reported: %q", none)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"no lang", `<html lang="ru">`, `<html>`, "no lang attribute"},
		{"no switch", `class="lang-switch"`, `class="nav"`, "no language switch"},
		{"inline script", `<script src="/static/app.js"></script>`, `<script>alert(1)</script>`, "inline script or style"},
		{"style element", `<body>`, `<body><STYLE>p{}</STYLE>`, "inline script or style"},
		{"style attribute", `<p id="inn-hint">`, `<p id="inn-hint" style="color:red">`, "inline style or event handler style="},
		{"event handler", `<a href`, `<a onclick="x()" href`, "inline style or event handler onclick="},
		{"duplicate id", `<p id="inn-error">`, `<p id="inn"></p><p id="inn-error">`, `id "inn" is used twice`},
		{"label to nothing", `<label for="inn">`, `<label for="nin">`, `label for "nin" has no field`},
		{"description to nothing", `inn-hint inn-error`, `inn-hint gone`, `aria-describedby "gone" points at nothing`},
		{"ИНН in a link", `/status?id=42`, `/status?inn=12345678901234`, "a personal identifier in a URL"},
		{"passport in a form address", `action="/apply"`, `action="/apply?p=AN 1234567"`, "a personal identifier in a URL"},
	} {
		if !strings.Contains(clean, c.from) {
			t.Fatalf("%s: %q is not on the clean page", c.name, c.from)
		}
		var got problems
		checkPage(&got, c.name, page{status: 200, body: strings.Replace(clean, c.from, c.to, 1), header: head})
		if len(got) != 1 || !strings.Contains(got[0], c.want) {
			t.Errorf("%s: reported %q, want one problem with %q", c.name, got, c.want)
		}
	}
	var got problems
	checkPage(&got, "cached", page{status: 200, body: clean, header: http.Header{"Content-Type": {"text/html"}}})
	if len(got) != 1 || !strings.Contains(got[0], "Cache-Control") {
		t.Errorf("a cached page: reported %q", got)
	}
	got = nil
	checkPage(&got, "500", page{status: 500, body: clean, header: head})
	if len(got) != 1 || !strings.Contains(got[0], "status 500") {
		t.Errorf("a 500: reported %q", got)
	}
}
