package web

import (
	"bytes"
	"net/http"
	"time"

	"kabinet"
	"kabinet/ident"
	"kabinet/pdf"
	"kabinet/store"
)

// applicationView is an application as the API shows it to its subject.
type applicationView struct {
	Code            string                    `json:"code"`
	CodeDisplay     string                    `json:"code_display"`
	Kind            kabinet.ApplicationKind   `json:"kind"`
	Status          kabinet.ApplicationStatus `json:"status"`
	INN             string                    `json:"inn"`
	Name            string                    `json:"name"`
	OfficeCode      string                    `json:"office_code"`
	Address         string                    `json:"address"`
	Passport        string                    `json:"passport"`
	PassportFlagged bool                      `json:"passport_flagged"`
	Signatory       string                    `json:"signatory"`
	FilledAt        time.Time                 `json:"filled_at"`
	FilledAtText    string                    `json:"filled_at_text"` // field 300 as printed: ДД.ММ.ГГГГ чч:мм:сс, Bishkek time
	ReceivedAt      *time.Time                `json:"received_at,omitempty"`
	DueAt           *time.Time                `json:"due_at,omitempty"`
	DecidedAt       *time.Time                `json:"decided_at,omitempty"`
	DecisionNumber  string                    `json:"decision_number,omitempty"`
	History         []kabinet.StatusChange    `json:"history,omitempty"`
	Links           map[string]link           `json:"links,omitempty"`
}

// link describes how to fetch something. Personal identifiers never travel in a URL
// (SEC-2), so the printable form is fetched by POST with {code, inn} in the body.
type link struct {
	Method string   `json:"method"`
	Href   string   `json:"href"`
	Body   []string `json:"body,omitempty"`
}

// Field300 formats field 300: ДД.ММ.ГГГГ чч:мм:сс in Bishkek time.
func field300(t time.Time) string { return t.In(kabinet.Bishkek).Format("02.01.2006 15:04:05") }

func viewOf(a kabinet.Application) applicationView {
	return applicationView{Code: a.Code, CodeDisplay: ident.FormatCode(a.Code), Kind: a.Kind, Status: a.Status, INN: a.INN,
		Name: a.Name, OfficeCode: a.OfficeCode, Address: a.Address, Passport: a.Passport, PassportFlagged: a.PassportFlag,
		Signatory: a.Signatory, FilledAt: a.FilledAt, FilledAtText: field300(a.FilledAt), ReceivedAt: a.ReceivedAt,
		DueAt: a.DueAt, DecidedAt: a.DecidedAt, DecisionNumber: a.DecisionNumber, History: a.History,
		Links: map[string]link{
			"form_pdf":  {Method: "POST", Href: "/api/v1/applications/form.pdf", Body: []string{"code", "inn"}},
			"form_page": {Method: "POST", Href: "/applications/print", Body: []string{"code", "inn"}},
			"status":    {Method: "POST", Href: "/api/v1/applications/status", Body: []string{"code", "inn"}},
		}}
}

// apiCreateApplication: POST /api/v1/applications (ACC-1…ACC-4, ANN-1).
func (s *Server) apiCreateApplication(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Kind            string `json:"kind"`
		INN             string `json:"inn"`
		Passport        string `json:"passport"`
		Password        string `json:"password"`
		PasswordConfirm string `json:"password_confirm"`
		CurrentPassword string `json:"current_password"`
		Lang            string `json:"lang"`
		// Optional (RST-2): ask before superseding an open application of the same kind
		// (409 would_supersede with its formed_at), and confirm superseding the one
		// formed at supersedes_formed_at (which implies asking). Without them an open
		// application is superseded silently, as this call always did.
		AskBeforeSuperseding bool   `json:"ask_before_superseding"`
		SupersedesFormedAt   string `json:"supersedes_formed_at"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Kind == "" {
		in.Kind = string(kabinet.KindAccess)
	}
	if in.Lang == "" {
		in.Lang = string(langOf(r))
	}
	var supersedes time.Time
	if in.SupersedesFormedAt != "" {
		t, err := time.Parse(time.RFC3339Nano, in.SupersedesFormedAt)
		if err != nil {
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "supersedes_formed_at must be an RFC 3339 time, as would_supersede's formed_at").
				With("field", "supersedes_formed_at")
		}
		supersedes = t
	}
	a, err := s.db.CreateApplication(r.Context(), publicActor(r), store.NewApplication{Kind: kabinet.ApplicationKind(in.Kind),
		INN: in.INN, Passport: in.Passport, Password: in.Password, PasswordConfirm: in.PasswordConfirm,
		CurrentPassword: in.CurrentPassword, Lang: in.Lang,
		AskFirst: in.AskBeforeSuperseding || !supersedes.IsZero(), Supersedes: supersedes})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewOf(a))
	return nil
}

type codeINN struct {
	Code string `json:"code"`
	INN  string `json:"inn"`
}

// apiApplicationStatus: POST /api/v1/applications/status {code, inn}.
func (s *Server) apiApplicationStatus(w http.ResponseWriter, r *http.Request) error {
	var in codeINN
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.limitApplicationCalls(r); err != nil {
		return err
	}
	a, err := s.db.ApplicationStatus(r.Context(), in.Code, in.INN)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOf(a))
	return nil
}

// apiApplicationPDF: POST /api/v1/applications/form.pdf {code, inn} — the printable form (ACC-4).
func (s *Server) apiApplicationPDF(w http.ResponseWriter, r *http.Request) error {
	var in codeINN
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.limitApplicationCalls(r); err != nil {
		return err
	}
	a, err := s.db.ApplicationStatus(r.Context(), in.Code, in.INN)
	if err != nil {
		return err
	}
	return s.writeApplicationPDF(w, r, a, nil)
}

func (s *Server) applicationForm(r *http.Request, a kabinet.Application, receipt *pdf.Receipt) (pdf.ApplicationForm, error) {
	o, err := s.db.Office(r.Context(), a.OfficeCode)
	if err != nil {
		return pdf.ApplicationForm{}, err
	}
	lang := langOf(r)
	return pdf.ApplicationForm{Kind: string(a.Kind), Code: a.Code, INN: a.INN, Name: a.Name, OfficeCode: o.Code,
		OfficeName: o.Name(string(lang)), Address: a.Address, Passport: a.Passport, PassportDisplay: passportDisplay(a.Passport),
		Signatory: a.Signatory, FilledAt: a.FilledAt, Lang: lang, Receipt: receipt}, nil
}

func passportDisplay(p string) string {
	if len(p) == 9 {
		return p[:2] + " " + p[2:]
	}
	return p
}

func (s *Server) writeApplicationPDF(w http.ResponseWriter, r *http.Request, a kabinet.Application, receipt *pdf.Receipt) error {
	f, err := s.applicationForm(r, a, receipt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.Application(&buf, f); err != nil {
		return err
	}
	name := "zayavlenie-" + a.Code + ".pdf"
	if receipt != nil {
		name = "zayavlenie-" + a.Code + "-prinyato.pdf"
	}
	writePDF(w, name, buf.Bytes())
	return nil
}

func writePDF(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// decisionPublic is what the verification page shows: what the paper shows, no more (ACC-8).
type decisionPublic struct {
	Number     string                  `json:"number"`
	Kind       kabinet.ApplicationKind `json:"kind"`
	Outcome    kabinet.Outcome         `json:"outcome"`
	Ground     kabinet.Ground          `json:"ground,omitempty"`
	INN        string                  `json:"inn"`
	Name       string                  `json:"name"`
	OfficeCode string                  `json:"office_code"`
	Officer    string                  `json:"officer"`
	DecidedAt  time.Time               `json:"decided_at"`
	Login      string                  `json:"login,omitempty"`
}

func publicDecision(d kabinet.Decision) decisionPublic {
	return decisionPublic{Number: d.Number, Kind: d.Kind, Outcome: d.Outcome, Ground: d.Ground, INN: d.INN, Name: d.Name,
		OfficeCode: d.OfficeCode, Officer: d.Officer, DecidedAt: d.DecidedAt, Login: d.Login}
}

// apiVerifyDecision: GET /api/v1/decisions/verify?number=…&code=… (ACC-8). Rate-limited
// like the look-up so verification codes cannot be guessed.
func (s *Server) apiVerifyDecision(w http.ResponseWriter, r *http.Request) error {
	d, err := s.verifyDecision(r, r.URL.Query().Get("number"), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, publicDecision(d))
	return nil
}

func (s *Server) verifyDecision(r *http.Request, number, code string) (kabinet.Decision, error) {
	if len(number) > 64 || len(code) > 64 {
		return kabinet.Decision{}, kabinet.Errorf(kabinet.KindNotFound, "decision_not_found", "no such decision")
	}
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return kabinet.Decision{}, err
	}
	if err := s.db.Limit(r.Context(), "verify:"+clientAddress(r), pol.LookupsPerMinute, time.Minute); err != nil {
		return kabinet.Decision{}, err
	}
	return s.db.VerifyDecision(r.Context(), number, code)
}
