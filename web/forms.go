package web

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"kabinet"
)

// formParseError classifies an unreadable form body.
func formParseError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return kabinet.Errorf(kabinet.KindTooLarge, "body_too_large", "request body larger than %d bytes", mbe.Limit)
	}
	return kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "the form could not be read: %v", err)
}

// keep copies the named form values for re-rendering: valid UTF-8, no control
// characters, bounded. Passwords are never kept.
func keep(r *http.Request, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = cleanEcho(r.PostFormValue(n))
	}
	return m
}

func cleanEcho(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

// badLogin reports a login no account can have: invalid UTF-8 or control characters.
// Pages refuse it before the store is asked, since PostgreSQL refuses NUL in text
// (SEC-3: both engines must answer alike, and never with a 500).
func badLogin(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// parseForm reads a form body; a failure is a page error.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formParseError(err)
	}
	return nil
}

// seeOther redirects after a POST (or to a sign-in page).
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// notFound is what a form naming an account that no account can have answers (SEC-3:
// invalid UTF-8 or control characters are refused before the store is asked, since
// PostgreSQL refuses NUL in text and both engines must answer alike).
func notFound(code, login string) error {
	if badLogin(login) {
		return kabinet.Errorf(kabinet.KindNotFound, code, "no such account")
	}
	return nil
}

// signInForm is a sign-in form: the cabinet's (login, password) or the back office's
// (and the second factor's code).
type signInForm struct {
	Login, Password, OTP string
}

func readSignInForm(r *http.Request) signInForm {
	return signInForm{Login: r.PostFormValue("login"), Password: r.PostFormValue("password"),
		OTP: strings.TrimSpace(r.PostFormValue("otp"))}
}

// Validate refuses a login no account can have as any wrong login is refused.
func (f signInForm) Validate() error {
	if badLogin(f.Login) {
		return kabinet.Errorf(kabinet.KindUnauthorized, "invalid_credentials", "wrong login or password")
	}
	return nil
}

// errorField is the form field an error names (kabinet.CleanText and the forms'
// Validate set the "field" detail), or fallback.
func errorField(err error, fallback string) string {
	if e, ok := kabinet.AsError(err); ok {
		if f, ok := e.Details["field"].(string); ok && f != "" {
			return f
		}
	}
	return fallback
}
