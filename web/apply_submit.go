package web

import (
	"net/http"
	"strconv"
	"time"

	"kabinet"
	"kabinet/store"
)

// applyField is the form field an application error belongs to.
func applyField(code string, kind kabinet.ApplicationKind) string {
	switch code {
	case "invalid_inn", "inn_not_found", "registration_liquidated", "no_active_account":
		return "inn"
	case "invalid_passport":
		return "passport"
	case "weak_password":
		return "password"
	case "password_mismatch":
		// The confirmation is what differs from the password typed first: the error
		// stands beside «Подтвердите пароль» and describes that field.
		return "password_confirm"
	case "invalid_credentials", "account_locked":
		if kind == kabinet.KindAnnulment {
			return "current_password"
		}
	}
	return ""
}

// appliedData is the page showing the application formed in this browser (ACC-4);
// App is nil when there is none to show any more (appliedGone).
type appliedData struct {
	App     *applicationView
	Cabinet bool // formed in the cabinet: the way back is the cabinet
	Minutes int  // how long the page shows it (formedShownFor)
}

// supersedesOf reads the confirmation the confirm page posts back: when the open
// application the subject agreed to supersede was formed (Unix milliseconds). Anything
// else is no confirmation, and the store asks again.
func supersedesOf(r *http.Request) time.Time {
	ms, err := strconv.ParseInt(r.PostFormValue("supersedes"), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// pageApplySubmit: «Сформировать заявление» (ACC-1…ACC-4, ANN-1). A formed application
// answers 303 to /applied, which shows it as long as this browser's cookie names it
// (applied_show.go): Back and reload show the same code and form nothing. An
// application that would supersede an open one (RST-2) is not formed before the
// subject confirms it on the page apply_confirm.go renders.
func (s *Server) pageApplySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind := kindOf(r.PostFormValue("kind"))
	formed, err := s.newFormed()
	if err != nil {
		return err
	}
	_, err = s.db.CreateApplication(r.Context(), publicActor(r), store.NewApplication{Kind: kind,
		INN: r.PostFormValue("inn"), Passport: r.PostFormValue("passport"), Password: r.PostFormValue("password"),
		PasswordConfirm: r.PostFormValue("password_confirm"), CurrentPassword: r.PostFormValue("current_password"),
		Lang: string(langOf(r)), AskFirst: true, Supersedes: supersedesOf(r), FormedToken: formed})
	if err == nil {
		s.setFormed(w, formed)
		return seeOther(w, r, appliedPath)
	}
	if s.confirmAgain(w, r, kind, "", err) {
		return nil
	}
	v := s.applyView(r, kind)
	v.Form = keep(r, "inn", "passport")
	code := kabinet.ErrorCode(err)
	field := applyField(code, kind)
	d := v.D.(*applyData)
	d.Blocked = refusesINN(err)
	if field != "inn" && code != "rate_limited" && code != "body_too_large" {
		if f, lerr := s.lookup(r, r.PostFormValue("inn")); lerr == nil {
			d.Fields = &f
		}
	}
	s.fail(w, r, v, err, field)
	return nil
}
