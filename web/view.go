package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"kabinet"
	"kabinet/i18n"
	"kabinet/ident"
	"kabinet/password"
	"kabinet/store"
)

// view is what every template receives: the page's data in D and the means to speak
// the user's language.
type view struct {
	s        *Server
	ctx      context.Context
	lang     i18n.Lang
	pol      *kabinet.Policy
	Lang     string
	Name     string // template name
	TitleKey string
	Area     string // "public", "cabinet" or "office"
	Path     string // where the language switch returns to
	LangPost *langPost
	Staff    *kabinet.Staff
	Err      *formError
	Notice   string // catalog key of a notice shown at the top
	NoticeKV []any
	Form     map[string]string
	D        any
	actors   map[string]string // ActorName's answers, one look-up per actor a page
}

// formError is an error shown on a form: the message, the field it belongs to, and
// extra lines (the failed password rules, attempts left).
type formError struct {
	Code    string
	Message string
	Field   string
	Lines   []string
}

func (s *Server) newView(r *http.Request, name, titleKey, area string) *view {
	lang := langOf(r)
	v := &view{s: s, ctx: r.Context(), lang: lang, Lang: string(lang), Name: name, TitleKey: titleKey, Area: area, Form: map[string]string{}}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		v.Path = localPath(r.URL.RequestURI())
	} else {
		v.Path = "/"
	}
	return v
}

// T returns the catalog's text for key; kv are placeholder pairs.
func (v *view) T(key string, kv ...any) string {
	pairs := make([]string, 0, len(kv))
	for _, x := range kv {
		pairs = append(pairs, fmt.Sprint(x))
	}
	return v.s.cat.T(v.lang, key, pairs...)
}

// TOr returns the text for key, or for fallback when key is not in the catalog.
func (v *view) TOr(key, fallback string, kv ...any) string {
	if v.s.cat.Has(v.lang, key) {
		return v.T(key, kv...)
	}
	return v.T(fallback, kv...)
}

// Other is the language the switch offers.
func (v *view) Other() string {
	if v.lang == i18n.KY {
		return string(i18n.RU)
	}
	return string(i18n.KY)
}

// OtherName is the other language's name, in that language.
func (v *view) OtherName() string { return v.s.cat.T(i18n.Lang(v.Other()), "lang.name") }

// Static is a static file's URL with its content hash.
func (v *view) Static(name string) string { return "/static/" + name + "?v=" + staticVersion[name] }

// V is a kept form value.
func (v *view) V(name string) string { return v.Form[name] }

// Invalid reports whether the error belongs to field.
func (v *view) Invalid(field string) bool { return v.Err != nil && v.Err.Field == field }

// Described is the aria-describedby of a field: its hint and, when invalid, its error.
func (v *view) Described(field string, hint bool) string {
	var ids []string
	if hint {
		ids = append(ids, field+"-hint")
	}
	if v.Invalid(field) {
		ids = append(ids, field+"-error")
	}
	return strings.Join(ids, " ")
}

// Time formats an instant in Bishkek time, as on paper: ДД.ММ.ГГГГ чч:мм.
func (v *view) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(kabinet.Bishkek).Format("02.01.2006 15:04")
}

// TimeP formats an optional instant.
func (v *view) TimeP(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return v.Time(*t)
}

// Field300 formats field 300.
func (v *view) Field300(t time.Time) string { return field300(t) }

// MMSS formats seconds as mm:ss (minutes may exceed 59), ignoring the sign.
func (v *view) MMSS(sec int64) string {
	if sec < 0 {
		sec = -sec
	}
	return fmt.Sprintf("%02d:%02d", sec/60, sec%60)
}

// UnixMS is an instant in milliseconds, for app.js's countdowns.
func (v *view) UnixMS(t time.Time) int64 { return t.UnixMilli() }

// Now is the server's clock in milliseconds, so countdowns follow the server, not the PC.
func (v *view) Now() int64 { return v.s.clock.Now().UnixMilli() }

// Office names an office in the user's language, "038 Нарынский р-н".
func (v *view) Office(code string) string {
	if o, err := v.s.db.Office(v.ctx, code); err == nil {
		return o.Code + " " + o.Name(v.Lang)
	}
	return code
}

// Passport formats a stored passport as typed in the Guide: "AN 4890152".
func (v *view) Passport(p string) string { return passportDisplay(p) }

// CodeDisplay groups an application code for reading aloud and typing.
func (v *view) CodeDisplay(code string) string { return ident.FormatCode(code) }

// notice keys a page may show from its query (?m=…): a fixed list, so the query
// cannot put arbitrary text on a page.
var notices = map[string]string{
	"expired": "web.notice.expired", "out": "web.notice.signed_out", "changed": "web.notice.password_changed",
	"ended": "web.notice.sessions_ended", "saved": "web.notice.saved", "signin": "web.notice.sign_in_first",
	"unlocked": "web.notice.unlocked",
}

func (v *view) noticeFrom(r *http.Request) {
	if k, ok := notices[r.URL.Query().Get("m")]; ok {
		v.Notice = k
		if n, err := strconv.Atoi(r.URL.Query().Get("n")); err == nil && n >= 0 {
			v.NoticeKV = []any{"n", n}
		}
	}
}

// NoticeText is the notice shown at the top of the page.
func (v *view) NoticeText() string { return v.T(v.Notice, v.NoticeKV...) }

// Current reports whether href is the page shown, for aria-current in the navigation.
func (v *view) Current(href string) bool {
	p, _, _ := strings.Cut(v.Path, "?")
	return p == href
}

// StatusText words an application's status; annulments have their own words for a grant.
func (v *view) StatusText(kind kabinet.ApplicationKind, st kabinet.ApplicationStatus) string {
	return v.TOr("web.status."+string(kind)+"."+string(st), "web.status."+string(st))
}

// StatusExplain says what a status means for the subject and what comes next.
func (v *view) StatusExplain(kind kabinet.ApplicationKind, st kabinet.ApplicationStatus) string {
	return v.TOr("web.status.explain."+string(kind)+"."+string(st), "web.status.explain."+string(st))
}

// KindText names an application's kind.
func (v *view) KindText(kind kabinet.ApplicationKind) string { return v.T("web.kind." + string(kind)) }

// OutcomeText words a decision's outcome for its kind.
func (v *view) OutcomeText(kind kabinet.ApplicationKind, o kabinet.Outcome) string {
	return v.TOr("web.outcome."+string(kind)+"."+string(o), "web.outcome."+string(o))
}

// GroundText names a refusal's or an annulment's ground (Reg §9, §18, §21).
func (v *view) GroundText(g kabinet.Ground) string {
	if g == "" {
		return ""
	}
	return v.TOr("web.ground."+string(g), "web.ground.other")
}

// TaxpayerKind names a kind of taxpayer.
func (v *view) TaxpayerKind(k kabinet.TaxpayerKind) string { return v.T("web.tpkind." + string(k)) }

// SignInOutcome words a sign-in attempt's outcome (CAB-1).
func (v *view) SignInOutcome(o string) string { return v.TOr("web.signin."+o, "web.signin.other") }

// AccountStatus words an account's status.
func (v *view) AccountStatus(s kabinet.AccountStatus) string { return v.T("web.account." + string(s)) }

// DifferenceText names a field that changed in the registry since the application.
func (v *view) DifferenceText(d string) string { return v.TOr("web.diff."+d, "web.diff.other") }

// Minutes is a duration in whole minutes.
func (v *view) Minutes(d time.Duration) int { return int(d / time.Minute) }

// NoteText words a notification in the user's language (CAB-1).
func (v *view) NoteText(n store.Notification) string {
	str := func(k string) string {
		if x, ok := n.Params[k]; ok && x != nil {
			return fmt.Sprint(x)
		}
		return ""
	}
	switch n.Kind {
	case "decision":
		kind, outcome := str("kind"), str("outcome")
		text := v.TOr("web.note.decision."+kind+"."+outcome, "web.note.other", "number", str("number"))
		if g := str("ground"); g != "" {
			text += " " + v.T("web.note.ground", "ground", v.TOr("web.ground."+g, "web.ground.other"))
		}
		return text
	}
	return v.TOr("web.note."+n.Kind, "web.note.other")
}

// IsSupervisor reports a supervisor signed in to the back office.
func (v *view) IsSupervisor() bool { return v.Staff != nil && v.Staff.Role == kabinet.RoleSupervisor }

// DecisionHref is the decision PDF's address.
func (v *view) DecisionHref(number string) string {
	return "/office/decisions/" + url.PathEscape(number) + ".pdf"
}

// ReceiptHref is the receipt copy's address.
func (v *view) ReceiptHref(code string) string {
	return "/office/applications/" + url.PathEscape(code) + "/receipt.pdf"
}

// AppHref is an application's page in the back office.
func (v *view) AppHref(code string) string { return "/office/applications/" + url.PathEscape(code) }

// Left words the time left on a deadline: "12:34", or "просрочено 01:02".
func (v *view) Left(sec int64) string {
	if sec < 0 {
		return v.T("web.board.overdue") + " " + v.MMSS(sec)
	}
	return v.MMSS(sec)
}

// maxPasswordLength is PWD-1's upper bound, shown among the requirements.
const maxPasswordLength = password.MaxLength

// Pol is the policy in force, read once per page (PWD-6: the requirements shown
// follow the supervisor's numbers).
func (v *view) Pol() kabinet.Policy {
	if v.pol == nil {
		p, err := v.s.db.Policy(v.ctx)
		if err != nil {
			p = kabinet.DefaultPolicy()
		}
		v.pol = &p
	}
	return *v.pol
}

// ruleText names a failed password rule in the user's language (PWD-1).
func (v *view) ruleText(rule string) string {
	p := v.Pol()
	return v.TOr("password.rule."+rule, "error.weak_password",
		"n", ruleNumber(rule, p), "chars", p.PasswordSpecials)
}

func ruleNumber(rule string, p kabinet.Policy) int {
	if rule == "max_length" {
		return maxPasswordLength
	}
	return p.PasswordMinLength
}

// MaxPassword is PWD-1's upper bound for the maxlength attribute.
func (v *view) MaxPassword() int { return maxPasswordLength }
