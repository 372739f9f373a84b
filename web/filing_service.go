package web

// The filing service the API (api_filing*.go) and the filing pages share (CAB-2;
// FIL-1 … FIL-9): the form catalogue, the input control with the cabinet's context,
// submission, and the printed report and receipt. Handlers parse their input (JSON,
// XML upload or a page's form), call these, and render the answer; none of them holds
// a rule of its own.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"kabinet"
	"kabinet/form"
	"kabinet/i18n"
	"kabinet/pdf"
	"kabinet/store"
)

// MaxUploadBytes bounds an uploaded report file (XML) and a filing's JSON body
// (FIL-3): more is 413 file_too_large. STI-161 with a few thousand employee rows stays
// well below it. A multipart request may carry this much plus a little for its parts.
const MaxUploadBytes = 4 << 20

// formsRefresh is how often the catalogue looks for versions another instance loaded.
const formsRefresh = 30 * time.Second

// formsState remembers when the run-time versions were last read.
type formsState struct {
	mu   sync.Mutex
	last time.Time
}

// newForms returns the catalogue the server files against: the one given, or the
// definitions shipped in the binary.
func newForms(c *form.Catalog, log *slog.Logger) *form.Catalog {
	if c != nil {
		return c
	}
	c, err := form.Embedded()
	if err != nil {
		// The definitions are embedded and tested: a broken one is a build error.
		log.Error("form catalogue: embedded definitions", slog.String("error", err.Error()))
		return form.NewCatalog()
	}
	return c
}

// LoadFormVersions adds the form versions supervisors loaded at run time (store
// FormVersions) to the server's catalogue (FIL-1). A version the catalogue already
// holds is left as it is; one that no longer parses is logged and skipped, never a
// crash. New calls it once; it is safe to call again at any time.
func (s *Server) LoadFormVersions(ctx context.Context) error {
	if s.db == nil {
		return nil
	}
	s.formsSync.mu.Lock()
	defer s.formsSync.mu.Unlock()
	vs, err := s.db.FormVersions(ctx)
	if err != nil {
		return err
	}
	// Real time, not the service's clock: this is a cache's age, not a rule of the law.
	s.formsSync.last = time.Now()
	for _, v := range vs {
		if _, err := s.forms.Version(v.Code, v.Version); err == nil {
			continue
		}
		d, err := form.Parse(v.Definition)
		if err == nil && (d.Code != v.Code || d.Version != v.Version) {
			err = fmt.Errorf("stored as %s_%d but defines %s", v.Code, v.Version, d.ID())
		}
		if err == nil {
			err = s.forms.Add(d)
		}
		if err != nil {
			s.log.WarnContext(ctx, "form catalogue: a loaded form version is skipped",
				slog.String("form", fmt.Sprintf("%s_%d", v.Code, v.Version)), slog.String("error", err.Error()))
		}
	}
	return nil
}

// refreshForms re-reads the run-time versions when formsRefresh has passed, so a
// version a supervisor loaded on another instance is used here too. A failure is
// logged; the catalogue as it is still serves.
func (s *Server) refreshForms(ctx context.Context) {
	s.formsSync.mu.Lock()
	due := time.Since(s.formsSync.last) >= formsRefresh
	s.formsSync.mu.Unlock()
	if !due {
		return
	}
	if err := s.LoadFormVersions(ctx); err != nil {
		s.log.WarnContext(ctx, "form catalogue: refresh", slog.String("error", err.Error()))
	}
}

// Forms is the server's form catalogue (FIL-1).
func (s *Server) Forms() *form.Catalog { return s.forms }

// openForm resolves the form version a report of in is checked against: the version
// in force for in.Period, or in.Version when named. A period before the first version,
// or not yet ended, is 422 period_not_open; an unknown form 404 form_not_found.
func (s *Server) openForm(ctx context.Context, in form.Input) (*form.Definition, form.Period, error) {
	s.refreshForms(ctx)
	if in.Form == "" {
		return nil, form.Period{}, kabinet.Errorf(kabinet.KindInvalid, "invalid_form", "name the form, e.g. STI-107")
	}
	return s.forms.Open(in.Form, in.Period, in.Version, s.clock.Now())
}

// registryContext is what the registry fills on a report (FIL-2): 102 ИНН, 103 the
// name, 104 the office's code and Russian name ("038 Нарынский р-н").
func (s *Server) registryContext(ctx context.Context, tp kabinet.Taxpayer) (map[string]string, error) {
	office := tp.OfficeCode
	if o, err := s.db.Office(ctx, tp.OfficeCode); err == nil {
		office = o.Code + " " + o.NameRU
	} else if kabinet.ErrorKind(err) != kabinet.KindNotFound {
		return nil, err
	}
	return map[string]string{form.RegistryINN: tp.INN, form.RegistryName: tp.Name, form.RegistryOffice: office}, nil
}

// previousContext reads the subject's accepted reports the definition's previous-period
// cells copy (STI-107's 209 from the previous quarter, SPEC "Filing details"). A period
// with no accepted report is left out: its cells count as 0.
func (s *Server) previousContext(ctx context.Context, inn string, d *form.Definition, p form.Period) (map[string]map[string]string, error) {
	prev := map[string]map[string]string{}
	for i := range d.Cells {
		pp, ok := form.PreviousPeriod(&d.Cells[i], p)
		if !ok {
			continue
		}
		key := pp.String()
		if _, done := prev[key]; done {
			continue
		}
		f, err := s.db.AcceptedFiling(ctx, inn, d.Code, key)
		if kabinet.ErrorKind(err) == kabinet.KindNotFound {
			prev[key] = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		res, err := filedContent(f)
		if err != nil {
			return nil, err
		}
		prev[key] = res.Cells
	}
	return prev, nil
}

// HeaderOffer returns the header cells (FIL-2: 105 phone, STI-161's 107 and 117–121)
// from the subject's last filing of the form, to offer them again; empty when there is
// none. Pages pre-fill their inputs from it; checkReport fills a header cell the input
// leaves out from it.
func (s *Server) HeaderOffer(ctx context.Context, inn string, d *form.Definition) (map[string]string, error) {
	out := map[string]string{}
	f, err := s.db.LastFiling(ctx, inn, d.Code)
	if kabinet.ErrorKind(err) == kabinet.KindNotFound {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	res, err := filedContent(f)
	if err != nil {
		return nil, err
	}
	for _, c := range d.Cells {
		if v := res.Cells[c.Number]; c.Source == form.SourceHeader && v != "" {
			out[c.Number] = v
		}
	}
	return out, nil
}

// filedContent decodes a stored filing's canonical content (form.Result).
func filedContent(f kabinet.Filing) (form.Result, error) {
	var res form.Result
	if err := json.Unmarshal(f.Content, &res); err != nil {
		return res, fmt.Errorf("web: filing %s: content: %w", f.Number, err)
	}
	return res, nil
}

// filerAllowed reports whether a subject of kind may file d (FIL-1: who files it).
func filerAllowed(d *form.Definition, kind kabinet.TaxpayerKind) bool {
	if len(d.Filers) == 0 {
		return true
	}
	for _, k := range d.Filers {
		if k == string(kind) {
			return true
		}
	}
	return false
}

// checkReport runs the input control (FIL-4) of the subject inn's report in against
// the form version for its period, in the cabinet's context: the registry cells (102,
// 103, 104) from the subject's registry record, the previous-period cells from its
// accepted reports, and header cells the input leaves out (key absent) from its last
// filing of the form. human accepts money as people type it ("1 234,56"; pages); the
// API passes false.
//
// It returns the definition, the period, the canonical report and every input-control
// error (the report may be filed only when there is none, else 422 input_control with
// the errors, see writeInputControl). err is for what is not input control: 404
// form_not_found, 422 period_not_open / invalid_period, 422 form_not_for_subject (the
// form is not filed by the subject's kind), or a fault.
func (s *Server) checkReport(ctx context.Context, inn string, in form.Input, human bool) (*form.Definition, form.Period, form.Result, []form.CellError, error) {
	d, p, err := s.openForm(ctx, in)
	if err != nil {
		return nil, p, form.Result{}, nil, err
	}
	tp, err := s.db.Taxpayer(ctx, inn)
	if err != nil {
		return d, p, form.Result{}, nil, err
	}
	if !filerAllowed(d, tp.Kind) {
		return d, p, form.Result{}, nil, kabinet.Errorf(kabinet.KindUnprocessable, "form_not_for_subject",
			"%s is not filed by a subject of kind %s", d.ID(), tp.Kind).With("form", d.Code)
	}
	reg, err := s.registryContext(ctx, tp)
	if err != nil {
		return d, p, form.Result{}, nil, err
	}
	prev, err := s.previousContext(ctx, inn, d, p)
	if err != nil {
		return d, p, form.Result{}, nil, err
	}
	offer, err := s.HeaderOffer(ctx, inn, d)
	if err != nil {
		return d, p, form.Result{}, nil, err
	}
	if len(offer) > 0 {
		cells := make(map[string]string, len(in.Cells)+len(offer))
		for k, v := range in.Cells {
			cells[k] = v
		}
		for k, v := range offer {
			if _, sent := cells[k]; !sent {
				cells[k] = v
			}
		}
		in.Cells = cells
	}
	res, errs := form.Check(d, in, form.Context{Registry: reg, Previous: prev, Human: human})
	return d, p, res, errs, nil
}

// fileReport checks the signed-in taxpayer's report (checkReport) and, when nothing
// fails, submits it (store.SubmitFiling) with its canonical content, its SHA-256 (hex),
// the version's allowed types and the period's due date. acct is the account of sess.
// It returns the receipt and whether it is a replay of an earlier submission with the
// same Idempotency-Key (FIL-6: answer 200 with the first receipt, not 201); or the
// input-control errors (nothing is filed, the password is not checked); or err: those
// of checkReport and of SubmitFiling (401 invalid_credentials counted toward the lock,
// 423 account_locked, 409 already_filed / nothing_to_correct / form_closed, 422
// idempotency_key_reused / type_not_allowed …).
func (s *Server) fileReport(ctx context.Context, who store.Actor, sess store.Session, acct kabinet.Account, in form.Input, password, idemKey string, human bool) (kabinet.Receipt, bool, []form.CellError, error) {
	d, p, res, errs, err := s.checkReport(ctx, acct.INN, in, human)
	if err != nil || len(errs) > 0 {
		return kabinet.Receipt{}, false, errs, err
	}
	content := res.Canonical()
	sum := sha256.Sum256(content)
	types := make([]kabinet.FilingType, len(d.Types))
	for i, t := range d.Types {
		types[i] = kabinet.FilingType(t)
	}
	rc, replayed, err := s.db.SubmitFiling(ctx, who, sess, password, store.FilingSubmission{
		Form: d.Code, Version: d.Version, Period: p.String(), Type: kabinet.FilingType(res.Type), AllowedTypes: types,
		Due: d.DueDate(p), Content: content, Digest: hex.EncodeToString(sum[:]), IdempotencyKey: idemKey})
	return rc, replayed, nil, err
}

// inputControlError is one error of the input control as the API shows it (FIL-4).
type inputControlError struct {
	Cell    string `json:"cell,omitempty"`
	Table   string `json:"table,omitempty"`
	Row     int    `json:"row,omitempty"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// inputControlErrors are errs with their messages in lang.
func inputControlErrors(errs []form.CellError, lang i18n.Lang) []inputControlError {
	out := make([]inputControlError, len(errs))
	for i, e := range errs {
		out[i] = inputControlError{Cell: e.Cell, Table: e.Table, Row: e.Row, Rule: e.Rule, Message: e.Message(lang)}
	}
	return out
}

// filingView is a filing as the API and pages show it to whoever may see it: the
// receipt's fields, the status and, for one filing, its cells.
type filingView struct {
	Number           string                         `json:"number"`
	Form             string                         `json:"form"`
	Version          int                            `json:"version"`
	Period           string                         `json:"period"`
	Type             kabinet.FilingType             `json:"type"`
	Status           string                         `json:"status"`
	ReceivedAt       time.Time                      `json:"received_at"`
	AcceptedOn       string                         `json:"accepted_on"`
	Due              string                         `json:"due"`
	Late             bool                           `json:"late"`
	Digest           string                         `json:"digest"`
	VerificationCode string                         `json:"verification_code"`
	INN              string                         `json:"inn"`
	OfficeCode       string                         `json:"office_code"`
	Login            string                         `json:"login,omitempty"`
	Replaces         string                         `json:"replaces,omitempty"`
	ReplacedBy       string                         `json:"replaced_by,omitempty"`
	Cells            map[string]string              `json:"cells,omitempty"`
	Tables           map[string][]map[string]string `json:"tables,omitempty"`
	Links            map[string]link                `json:"links"`
}

// viewOfFiling is f as shown; base is the path its links hang from
// ("/api/v1/filings/" or "/api/v1/office/filings/"). With content, the cells are shown.
func viewOfFiling(f kabinet.Filing, base string) (filingView, error) {
	v := filingView{Number: f.Number, Form: f.Form, Version: f.Version, Period: f.Period, Type: f.Type, Status: string(f.Status),
		ReceivedAt: f.ReceivedAt, AcceptedOn: f.AcceptedOn.String(), Due: f.Due.ISO(), Late: f.Late, Digest: f.Digest,
		VerificationCode: f.VerificationCode, INN: f.INN, OfficeCode: f.OfficeCode, Login: f.Login, Replaces: f.Replaces,
		ReplacedBy: f.ReplacedBy, Links: filingLinks(base, f.Number)}
	if len(f.Content) > 0 {
		res, err := filedContent(f)
		if err != nil {
			return v, err
		}
		v.Cells, v.Tables = res.Cells, res.Tables
	}
	return v, nil
}

// filingLinks are a filing's links under base.
func filingLinks(base, number string) map[string]link {
	return map[string]link{
		"self":    {Method: "GET", Href: base + number},
		"report":  {Method: "GET", Href: base + number + "/report.pdf"},
		"receipt": {Method: "GET", Href: base + number + "/receipt.pdf"},
	}
}

// FilingVerifyURL is printed on a report and its receipt and held by their QR code
// (FIL-7): the public verification page with the number and the code filled in.
func (s *Server) FilingVerifyURL(number, code string) string {
	return s.cfg.BaseURL + "/verify/filing?number=" + number + "&code=" + code
}

// definitionFor is the definition a stored filing was filed against.
func (s *Server) definitionFor(f kabinet.Filing) (*form.Definition, error) {
	d, err := s.forms.Version(f.Form, f.Version)
	if err != nil {
		return nil, fmt.Errorf("web: filing %s: %w", f.Number, err)
	}
	return d, nil
}

// tr picks a text's language.
func tr(t form.Text, lang i18n.Lang) string {
	if lang == i18n.KY && t.KY != "" {
		return t.KY
	}
	return t.RU
}

// reportForm builds the printed report (pdf.ReportForm) of stored filing f (with its
// content) from its definition d, every label in lang (FIL-7). The first section's
// cells are the header (201 and 202 print as the period); cells filled on receipt
// (901) print in the acceptance block.
func reportForm(d *form.Definition, f kabinet.Filing, lang i18n.Lang, verifyURL string) (pdf.ReportForm, error) {
	res, err := filedContent(f)
	if err != nil {
		return pdf.ReportForm{}, err
	}
	rf := pdf.ReportForm{FormCode: d.Code, Version: d.Version, Title: tr(d.Title, lang), ApprovedBy: tr(d.ApprovedBy, lang),
		Provisional: d.Provisional, Type: string(f.Type), Lang: lang,
		Accepted: pdf.Acceptance{Number: f.Number, ReceivedAt: f.ReceivedAt, Late: f.Late,
			VerificationCode: f.VerificationCode, VerifyURL: verifyURL}}
	for _, t := range d.Types {
		rf.Types = append(rf.Types, string(t))
	}
	if p, err := form.ParsePeriod(d.PeriodKind, f.Period); err == nil {
		rf.PeriodStart, rf.PeriodEnd = p.First(), p.Last()
	}
	header := ""
	if len(d.Sections) > 0 {
		header, rf.HeaderTitle = d.Sections[0].ID, tr(d.Sections[0].Title, lang)
	}
	printed := func(c *form.Cell, v string) pdf.ReportCell {
		k := pdf.Kind(c.Kind)
		if c.Kind == form.KindChoice || len(c.Choices) > 0 && c.Kind == form.KindText {
			for _, ch := range c.Choices {
				if ch.Value == v && ch.Label != nil {
					v = tr(*ch.Label, lang)
				}
			}
		}
		if c.Source == form.SourceRowNumber {
			k = pdf.KindRowNumber
		}
		return pdf.ReportCell{Number: c.Number, Label: tr(c.Label, lang), Value: v, Kind: k}
	}
	for _, sec := range d.Sections {
		var ps pdf.ReportSection
		ps.Title = tr(sec.Title, lang)
		for i := range d.Cells {
			c := &d.Cells[i]
			if c.Section != sec.ID || c.Source == form.SourceReceipt {
				continue
			}
			if sec.ID == header {
				if c.Source != form.SourcePeriodStart && c.Source != form.SourcePeriodEnd {
					rf.Header = append(rf.Header, printed(c, res.Cells[c.Number]))
				}
				continue
			}
			ps.Cells = append(ps.Cells, printed(c, res.Cells[c.Number]))
		}
		for ti := range d.Tables {
			t := &d.Tables[ti]
			if t.Section != sec.ID {
				continue
			}
			pt := pdf.ReportTable{Title: tr(t.Label, lang)}
			for ci := range t.Columns {
				c := &t.Columns[ci]
				k := pdf.Kind(c.Kind)
				if c.Source == form.SourceRowNumber {
					k = pdf.KindRowNumber
				}
				pt.Columns = append(pt.Columns, pdf.ReportColumn{Number: c.Number, Label: tr(c.Label, lang), Kind: k})
			}
			for _, row := range res.Tables[t.Name] {
				vals := make([]string, len(t.Columns))
				for ci := range t.Columns {
					vals[ci] = printed(&t.Columns[ci], row[t.Columns[ci].Number]).Value
				}
				pt.Rows = append(pt.Rows, vals)
			}
			ps.Tables = append(ps.Tables, pt)
		}
		if sec.ID != header && (len(ps.Cells) > 0 || len(ps.Tables) > 0) {
			rf.Sections = append(rf.Sections, ps)
		}
	}
	return rf, nil
}

// reportPDF writes stored filing f (with its content) as printed, in lang, with the
// «ПРИНЯТО НАЛОГОВЫМ ОРГАНОМ» block and a QR code of verifyURL (FIL-7; use
// s.FilingVerifyURL). d is the filing's definition (s.definitionFor(f)).
func (s *Server) reportPDF(w io.Writer, lang i18n.Lang, d *form.Definition, f kabinet.Filing, verifyURL string) error {
	rf, err := reportForm(d, f, lang, verifyURL)
	if err != nil {
		return err
	}
	return pdf.Report(w, rf)
}

// receiptPDF writes the receipt (квитанция) of stored filing f in lang (FIL-7): the
// subject's name and office from the registry, the due date, the digest and a QR code
// of verifyURL.
func (s *Server) receiptPDF(ctx context.Context, w io.Writer, lang i18n.Lang, d *form.Definition, f kabinet.Filing, verifyURL string) error {
	rf := pdf.ReceiptForm{Number: f.Number, FormCode: f.Form, Version: f.Version, FormTitle: tr(d.Title, lang), Period: f.Period,
		Type: string(f.Type), INN: f.INN, OfficeCode: f.OfficeCode, ReceivedAt: f.ReceivedAt, DueDate: f.Due, Late: f.Late,
		Digest: f.Digest, VerificationCode: f.VerificationCode, VerifyURL: verifyURL, Lang: lang}
	if p, err := form.ParsePeriod(d.PeriodKind, f.Period); err == nil {
		rf.PeriodStart, rf.PeriodEnd = p.First(), p.Last()
	}
	if res, err := filedContent(f); err == nil {
		// The name as filed (cell 103), not as the registry says today.
		for _, c := range d.Cells {
			if c.Source == form.SourceRegistry && c.Registry == form.RegistryName {
				rf.Name = res.Cells[c.Number]
			}
		}
	}
	if rf.Name == "" {
		if tp, err := s.db.Taxpayer(ctx, f.INN); err == nil {
			rf.Name = tp.Name
		}
	}
	if o, err := s.db.Office(ctx, f.OfficeCode); err == nil {
		rf.OfficeName = o.Name(string(lang))
	}
	return pdf.FilingReceipt(w, rf)
}

// filingPDF renders the report (kind "report") or the receipt ("receipt") of stored
// filing f (with its content) in lang, and names its file.
func (s *Server) filingPDF(ctx context.Context, lang i18n.Lang, f kabinet.Filing, kind string) ([]byte, string, error) {
	d, err := s.definitionFor(f)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	url := s.FilingVerifyURL(f.Number, f.VerificationCode)
	name := "otchet-" + f.Number + ".pdf"
	if kind == "receipt" {
		name = "kvitanciya-" + f.Number + ".pdf"
		err = s.receiptPDF(ctx, &buf, lang, d, f, url)
	} else {
		err = s.reportPDF(&buf, lang, d, f, url)
	}
	return buf.Bytes(), name, err
}

// sortedForms lists the catalogue's forms by code, each with its versions ascending.
func sortedForms(c *form.Catalog) [][]*form.Definition {
	by := map[string][]*form.Definition{}
	for _, d := range c.List() {
		by[d.Code] = append(by[d.Code], d)
	}
	codes := make([]string, 0, len(by))
	for code := range by {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	out := make([][]*form.Definition, len(codes))
	for i, code := range codes {
		out[i] = by[code]
	}
	return out
}

// writeFilingPDF answers with a filing's printed report or receipt ("report" or
// "receipt") in the request's language (FIL-7, I18N-1); the caller has already
// checked who may see the filing.
func (s *Server) writeFilingPDF(w http.ResponseWriter, r *http.Request, f kabinet.Filing, kind string) error {
	b, name, err := s.filingPDF(r.Context(), langOf(r), f, kind)
	if err != nil {
		return err
	}
	writePDF(w, name, b)
	return nil
}
