package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"time"

	"kabinet"
	"kabinet/demo"
	"kabinet/form"
	"kabinet/i18n"
	"kabinet/pdf"
)

// Printed forms (BENCH.md pdf): the application with the office's mark, the access
// decision, and a filed STI-161 of 50 employees with its acceptance block, rendered
// with the pdf package the service prints them with.

// printed is one kind of printed form.
type printed struct {
	name   string
	render func(w io.Writer) error
}

// printedForms are the forms the scenario renders, with data as the service holds it.
func printedForms() ([]printed, error) {
	at := time.Date(2026, 3, 2, 10, 15, 0, 0, kabinet.Bishkek)
	report, err := filedSTI161(50, at)
	if err != nil {
		return nil, err
	}
	return []printed{
		{"application", func(w io.Writer) error {
			return pdf.Application(w, pdf.ApplicationForm{Kind: "access", Code: "K7M2Q9W4X8R3", INN: demo.GuideINN,
				Name: "Кашкариева Жазгул Бейшенбековна", OfficeCode: "038", OfficeName: "Нарынский р-н",
				Address: "Нарынская обл., Нарынский р-н, Мин-булак Мин Булак Советская 2,", Passport: "AN4890152",
				PassportDisplay: "AN 4890152", Signatory: "Кашкариева Ж. Б.", FilledAt: at, Lang: i18n.RU,
				Receipt: &pdf.Receipt{OfficeCode: "038", OfficeName: "Нарынский р-н", Officer: "Осмонов Т. Б.", ReceivedAt: at.Add(time.Hour)}})
		}},
		{"decision", func(w io.Writer) error {
			return pdf.Decision(w, pdf.DecisionForm{Number: "D-2026-0000123", Kind: "access", Outcome: "granted",
				ApplicationCode: "K7M2Q9W4X8R3", INN: demo.GuideINN, Name: "Кашкариева Жазгул Бейшенбековна", OfficeCode: "038",
				OfficeName: "Нарынский р-н", Officer: "Осмонов Талант Бакирович", Login: "np0000000123", DecidedAt: at.Add(70 * time.Minute),
				VerificationCode: "H4K8M2P6", VerifyURL: "https://kabinet.example.kg/verify?number=D-2026-0000123&code=H4K8M2P6", Lang: i18n.RU})
		}},
		{"STI-161, 50 employees", func(w io.Writer) error { return pdf.Report(w, report) }},
	}, nil
}

// filedSTI161 is an STI-161 of n employees as filed: the input control's canonical
// result laid out by the definition's sections, with the acceptance block.
func filedSTI161(n int, at time.Time) (pdf.ReportForm, error) {
	cat, err := form.Embedded()
	if err != nil {
		return pdf.ReportForm{}, err
	}
	in := demo.STI161(form.Initial, "2026-01", n)
	p, err := form.ParseAnyPeriod(in.Period)
	if err != nil {
		return pdf.ReportForm{}, err
	}
	d, err := cat.InForce(in.Form, p)
	if err != nil {
		return pdf.ReportForm{}, err
	}
	res, errs := form.Check(d, in, form.Context{Received: at, Registry: map[string]string{form.RegistryINN: "22001198500345",
		form.RegistryName: "Ташиев Нурлан Сапарович", form.RegistryOffice: "001"}})
	if len(errs) > 0 {
		return pdf.ReportForm{}, fmt.Errorf("bench: the STI-161 to print fails input control: %+v", errs[0])
	}
	return reportForm(d, res, p, at), nil
}

// reportForm lays a checked report out as pdf.Report prints it, in Russian.
func reportForm(d *form.Definition, res form.Result, p form.Period, at time.Time) pdf.ReportForm {
	cell := func(c *form.Cell, v string) pdf.ReportCell {
		return pdf.ReportCell{Number: c.Number, Label: c.Label.RU, Value: v, Kind: pdf.Kind(c.Kind)}
	}
	f := pdf.ReportForm{FormCode: d.Code, Version: d.Version, Title: d.Title.RU, ApprovedBy: d.ApprovedBy.RU, Provisional: d.Provisional,
		Type: string(res.Type), PeriodStart: p.First(), PeriodEnd: p.Last(), Lang: i18n.RU,
		Accepted: pdf.Acceptance{Number: "F-2026-0000042", ReceivedAt: at, VerificationCode: "H4K8M2P6",
			VerifyURL: "https://kabinet.example.kg/filings/verify?number=F-2026-0000042&code=H4K8M2P6"}}
	for _, t := range d.Types {
		f.Types = append(f.Types, string(t))
	}
	sections := map[string]*pdf.ReportSection{}
	var order []string
	for _, s := range d.Sections {
		if s.ID == "I" {
			f.HeaderTitle = s.Title.RU
			continue
		}
		sections[s.ID] = &pdf.ReportSection{Title: s.Title.RU}
		order = append(order, s.ID)
	}
	for i := range d.Cells {
		c := &d.Cells[i]
		switch {
		case c.Source == form.SourcePeriodStart || c.Source == form.SourcePeriodEnd || c.Source == form.SourceReceipt:
		case c.Section == "I" || c.Section == "":
			f.Header = append(f.Header, cell(c, res.Cells[c.Number]))
		case sections[c.Section] != nil:
			sections[c.Section].Cells = append(sections[c.Section].Cells, cell(c, res.Cells[c.Number]))
		}
	}
	for _, t := range d.Tables {
		s := sections[t.Section]
		if s == nil {
			continue
		}
		rt := pdf.ReportTable{Title: t.Label.RU}
		for _, c := range t.Columns {
			k := pdf.Kind(c.Kind)
			if c.Source == form.SourceRowNumber {
				k = pdf.KindRowNumber
			}
			rt.Columns = append(rt.Columns, pdf.ReportColumn{Number: c.Number, Label: c.Label.RU, Kind: k})
		}
		for _, row := range res.Tables[t.Name] {
			vals := make([]string, len(t.Columns))
			for j, c := range t.Columns {
				vals[j] = row[c.Number]
			}
			rt.Rows = append(rt.Rows, vals)
		}
		s.Tables = append(s.Tables, rt)
	}
	for _, id := range order {
		if s := sections[id]; len(s.Cells) > 0 || len(s.Tables) > 0 {
			f.Sections = append(f.Sections, *s)
		}
	}
	return f
}

// pageCount counts a PDF's pages: its /Type /Page objects.
func pageCount(doc []byte) int {
	return bytes.Count(doc, []byte("/Type /Page\n")) + bytes.Count(doc, []byte("/Type /Page ")) + bytes.Count(doc, []byte("/Type /Page>"))
}

// scenarioPDF: printed forms rendered per second on all cores, the three forms in
// turn; then each form alone, the best of several runs, for its time per page.
func (b *bench) scenarioPDF(ctx context.Context) error {
	forms, err := printedForms()
	if err != nil {
		return err
	}
	fig := &pdfFigures{}
	const runs = 7
	for _, pf := range forms {
		var buf bytes.Buffer
		if err := pf.render(&buf); err != nil { // warm: fonts parsed, code paged in
			return fmt.Errorf("bench: render %s: %w", pf.name, err)
		}
		pages := pageCount(buf.Bytes())
		if pages < 1 {
			return fmt.Errorf("bench: %s: no page found in the rendered PDF", pf.name)
		}
		times := make([]time.Duration, runs)
		for i := range times {
			buf.Reset()
			t0 := time.Now()
			if err := pf.render(&buf); err != nil {
				return err
			}
			times[i] = time.Since(t0)
		}
		slices.Sort(times)
		best := quantileMS(times, 0)
		fig.Forms = append(fig.Forms, pdfForm{Name: pf.name, Pages: pages, Bytes: buf.Len(), BestMS: best,
			PerPageMS: round2(best / float64(pages)), Runs: runs})
	}
	workers := runtime.NumCPU()
	res := b.run(ctx, loadSpec{label: fmt.Sprintf("pdf: %d workers", workers), clients: workers, duration: b.duration(), requests: b.cfg.requests,
		do: func(ctx context.Context, _ int, seq int64) (int, error) {
			if err := forms[int(seq)%len(forms)].render(io.Discard); err != nil {
				return 0, err
			}
			return http.StatusOK, nil
		}})
	fig.rateFigures = figuresOf(res)
	var pages int
	for _, f := range fig.Forms {
		pages += f.Pages
		fig.WorstPerPageMS = max(fig.WorstPerPageMS, f.PerPageMS)
	}
	fig.PagesPerSecond = round1(res.rate() * float64(pages) / float64(len(forms)))
	b.rep.PDF = fig
	return nil
}
