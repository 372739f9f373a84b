package web

import (
	"html/template"
	"net/http"
	"net/url"

	"kabinet/store"
)

// totpData enrols a second factor (SEC-1).
type totpData struct {
	Secret   string
	URI      string
	QR       template.HTML
	Enrolled bool // the staff member already has one
	Done     bool
}

func (s *Server) totpView(r *http.Request, st store.StaffActor, secret string) (*view, error) {
	uri := totpURI(st.Login, secret)
	qr, err := qrSVG(uri, "qr qr-totp")
	if err != nil {
		return nil, err
	}
	v := s.officeView(r, &st, "office_totp", "web.office.totp.title")
	v.Path = "/office/totp"
	v.D = &totpData{Secret: secret, URI: uri, QR: qr, Enrolled: st.TOTPSecret != ""}
	return v, nil
}

// totpURI is the otpauth URI authenticator apps read (RFC 6238 parameters of store.validTOTP).
func totpURI(login, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", "Kabinet")
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape("Kabinet:"+login) + "?" + q.Encode()
}

func (s *Server) pageOfficeTOTP(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	secret, _, err := s.db.NewTOTPSecret(st.Login)
	if err != nil {
		return err
	}
	v, err := s.totpView(r, st, secret)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}
