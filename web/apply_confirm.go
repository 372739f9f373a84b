package web

import (
	"net/http"
	"strconv"
	"time"

	"kabinet"
	"kabinet/passport"
	"kabinet/store"
)

// The confirmation before a new application supersedes an open one (RST-2): the
// subject is told when the open one was formed (field 300 of the paper they may hold)
// and, if the office has it, when it was received — never its code, which the public
// form must not reveal to whoever types an ИНН — and forms the new one only on
// confirming. The page is server-rendered: what was typed travels back in hidden
// fields, except the password, which is never put in a page and is typed again.

// confirmData is the confirmation page.
type confirmData struct {
	Kind       kabinet.ApplicationKind
	Action     string // where the confirmation posts: /apply or /cabinet/annul
	Cabinet    bool   // asked in the cabinet: the session stands in for the password
	INN        string // 102, as the store read it
	Passport   string // 106 as it will be printed
	PassportIn string // 106 as typed, posted back
	FormedAt   time.Time
	ReceivedAt *time.Time
}

// Annulment reports an annulment application.
func (d confirmData) Annulment() bool { return d.Kind == kabinet.KindAnnulment }

// Supersedes is the confirmation posted back: when the open application was formed,
// in Unix milliseconds (the store compares it to the millisecond).
func (d confirmData) Supersedes() int64 { return d.FormedAt.UnixMilli() }

// ReceivedMS is when the office received the open application, or 0.
func (d confirmData) ReceivedMS() int64 {
	if d.ReceivedAt == nil {
		return 0
	}
	return d.ReceivedAt.UnixMilli()
}

// FormedText is when the open application was formed, as field 300 prints it.
func (d confirmData) FormedText() string { return field300(d.FormedAt) }

// confirmFields are the fields whose errors the confirmation page shows itself: the
// passwords typed on it. Anything else (a tampered ИНН or passport) goes back to the form.
var confirmFields = map[string]bool{"": true, "password": true, "password_confirm": true, "current_password": true}

// confirmAgain answers err with the confirmation page when it asks for one
// (would_supersede) or when it is the failure of a confirmation (a mistyped password
// on the confirmation page), and reports whether it did. cabinetINN is the signed-in
// subject's ИНН when the cabinet asks, "" on the public form.
func (s *Server) confirmAgain(w http.ResponseWriter, r *http.Request, kind kabinet.ApplicationKind, cabinetINN string, err error) bool {
	e, ok := kabinet.AsError(err)
	if !ok {
		return false
	}
	d := confirmData{Kind: kind, Action: "/apply", INN: cleanEcho(r.PostFormValue("inn")), PassportIn: cleanEcho(r.PostFormValue("passport"))}
	if cabinetINN != "" {
		d.Action, d.Cabinet, d.INN = "/cabinet/annul", true, cabinetINN
	}
	if p, perr := passport.Parse(r.PostFormValue("passport")); perr == nil {
		d.Passport = p.Display()
	}
	switch {
	case e.Code == "would_supersede":
		formed, ferr := time.Parse(store.FormedAtLayout, str(e.Details["formed_at"]))
		if ferr != nil {
			return false
		}
		d.FormedAt = formed
		if rec, rerr := time.Parse(store.FormedAtLayout, str(e.Details["received_at"])); rerr == nil {
			d.ReceivedAt = &rec
		}
		s.render(w, r, http.StatusConflict, s.confirmView(r, d))
		return true
	case r.PostFormValue("supersedes") != "" && confirmFields[applyField(e.Code, kind)] && !supersedesOf(r).IsZero():
		d.FormedAt = supersedesOf(r)
		if ms, perr := strconv.ParseInt(r.PostFormValue("received"), 10, 64); perr == nil && ms > 0 {
			rec := time.UnixMilli(ms)
			d.ReceivedAt = &rec
		}
		s.fail(w, r, s.confirmView(r, d), err, applyField(e.Code, kind))
		return true
	}
	return false
}

func (s *Server) confirmView(r *http.Request, d confirmData) *view {
	area := "public"
	if d.Cabinet {
		area = "cabinet"
	}
	v := s.newView(r, "apply_confirm", "web.confirm.title", area)
	v.Path = "/apply"
	if d.Annulment() {
		v.Path = "/annul"
	}
	if d.Cabinet {
		v.Path = "/cabinet"
	}
	v.D = d
	return v
}

// str is a detail's text, or "".
func str(x any) string {
	s, _ := x.(string)
	return s
}
