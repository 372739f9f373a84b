package web

import (
	"net/http"
	"strings"

	"kabinet/store"
)

// validSecret: base32 letters and digits, as NewTOTPSecret makes them.
func validSecret(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=') {
			return false
		}
	}
	return true
}

// totpForm is the enrolment of a second factor: the secret shown and a code from it.
type totpForm struct {
	Secret, OTP string
}

func readTOTPForm(r *http.Request) totpForm {
	return totpForm{Secret: r.PostFormValue("secret"), OTP: strings.TrimSpace(r.PostFormValue("otp"))}
}

// pageOfficeTOTPPost enrols the second factor once a code from it is right (SEC-1); a
// posted secret that is no secret of ours is replaced by a new one.
func (s *Server) pageOfficeTOTPPost(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	f := readTOTPForm(r)
	if !validSecret(f.Secret) {
		secret, _, err := s.db.NewTOTPSecret(st.Login)
		if err != nil {
			return err
		}
		f.Secret = secret
	}
	err := s.db.ConfirmTOTP(r.Context(), store.Actor{Name: "staff:" + st.Login, Address: clientAddress(r)}, st.ID, f.Secret, f.OTP)
	v, verr := s.totpView(r, st, f.Secret)
	if verr != nil {
		return verr
	}
	if err != nil {
		s.fail(w, r, v, err, "otp")
		return nil
	}
	d := v.D.(*totpData)
	d.Done, d.Secret, d.URI, d.QR = true, "", "", ""
	s.render(w, r, http.StatusOK, v)
	return nil
}
