package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/i18n"
)

// sti161 is a filed STI-161_6-like report with n employees in Section III: the
// 20 columns of the official form, each row with its own ИНН, name and totals.
func sti161(lang Lang, n int) ReportForm {
	tr := func(ru, ky string) string {
		if lang == i18n.KY {
			return ky
		}
		return ru
	}
	cols := []ReportColumn{
		{"1", tr("№ п/п", "№"), KindRowNumber},
		{"2", tr("ИНН", "ИНН"), KindText},
		{"3", tr("Ф.И.О.", "Аты-жөнү"), KindText},
		{"4", tr("Категория работников", "Кызматкерлердин категориясы"), KindText},
		{"5", tr("Гражданство", "Жарандыгы"), KindText},
		{"6", tr("Резидентство", "Резиденттиги"), KindText},
		{"7", tr("Дата начала работы", "Иштин башталган күнү"), KindDate},
		{"8", tr("Дата окончания работы", "Иштин аяктаган күнү"), KindDate},
		{"9", tr("Дней факт", "Иш жүзүндөгү күндөр"), KindInteger},
		{"10", tr("Код дохода", "Кирешенин коду"), KindText},
		{"11", tr("Сумма начисленных доходов", "Эсептелген кирешелердин суммасы"), KindMoney},
		{"12", tr("Сумма доходов, подлежащих обложению страховым взносом", "Камсыздандыруу төгүмүнө тартылуучу кирешелердин суммасы"), KindMoney},
		{"13", tr("Доход, не облагаемый подоходным налогом", "Киреше салыгы салынбаган киреше"), KindMoney},
		{"14", tr("Сумма стандартных вычетов", "Стандарттык чегерүүлөрдүн суммасы"), KindMoney},
		{"15", tr("Сумма доходов, подлежащих обложению подоходным налогом (гр. 11 - гр. 13 - гр. 14)", "Киреше салыгы салынуучу кирешелердин суммасы (11-мамыча - 13-мамыча - 14-мамыча)"), KindMoney},
		{"16", tr("Подоходный налог с доходов, указанных в гр. 15", "15-мамычада көрсөтүлгөн кирешелерден киреше салыгы"), KindMoney},
		{"17", tr("Подоходный налог со среднемесячной заработной платы", "Орточо айлык эмгек акыдан киреше салыгы"), KindMoney},
		{"18", tr("Подоходный налог всего (гр. 16 + гр. 17)", "Киреше салыгы бардыгы (16-мамыча + 17-мамыча)"), KindMoney},
		{"19", tr("Сумма начисленных страховых взносов", "Эсептелген камсыздандыруу төгүмдөрүнүн суммасы"), KindMoney},
		{"20", tr("Сумма начисленных взносов по НПФ", "МПФ боюнча эсептелген төгүмдөрдүн суммасы"), KindMoney},
	}
	rows := make([][]string, n)
	for i := range rows {
		income := 85000 + i*1000
		rows[i] = []string{fmt.Sprint(i + 1), fmt.Sprintf("2170519870%04d", i+1), employee(i), tr("основной", "негизги"), "KG",
			tr("резидент", "резидент"), "2024-01-15", "", "22", "010",
			fmt.Sprintf("%d.00", income), fmt.Sprintf("%d.00", income), "0", "650.00",
			fmt.Sprintf("%d.00", income-650), fmt.Sprintf("%d.%02d", (income-650)/10, i), "0", fmt.Sprintf("%d.%02d", (income-650)/10, i),
			fmt.Sprintf("%d.50", income*17/100), fmt.Sprintf("%d.%02d", 1000+i, i)}
	}
	return ReportForm{
		FormCode: "STI-161", Version: 6, Lang: lang,
		Title:      tr("Отчет по подоходному налогу и по средствам государственного социального страхования", "Киреше салыгы жана мамлекеттик социалдык камсыздандыруу каражаттары боюнча отчет"),
		ApprovedBy: tr("Приложение 1 к приказу Государственной налоговой службы при Министерстве финансов КР от 16.06.2025 г. № 360", "КР Финансы министрлигине караштуу Мамлекеттик салык кызматынын 16.06.2025-ж. № 360 буйругуна 1-тиркеме"),
		Type:       "initial",
		Header: []ReportCell{
			{"102", tr("Идентификационный налоговый номер", "Салык төлөөчүнүн идентификациялык номери"), "02405201910123", KindText},
			{"103", tr("Наименование плательщика подоходного налога и страховых взносов / Ф.И.О.", "Киреше салыгын жана камсыздандыруу төгүмдөрүн төлөөчүнүн аталышы / аты-жөнү"), "ОсОО «Үңкүр Өнөр»", KindText},
			{"104", tr("Код и наименование налогового органа", "Салык органынын коду жана аталышы"), "038 Нарынский р-н", KindText},
			{"107", tr("Код ОКПО", "ОКПО коду"), "30112345", KindText},
			{"117", tr("Регистрационный номер плательщика страховых взносов", "Камсыздандыруу төгүмдөрүн төлөөчүнүн каттоо номери"), "0381234567", KindText},
			{"118", tr("Коэффициент высокогорья/отдаленности", "Бийик тоолуулук/алыстык коэффициенти"), "1.6", KindRate},
		},
		PeriodStart: kabinet.Date{Year: 2026, Month: 1, Day: 1}, PeriodEnd: kabinet.Date{Year: 2026, Month: 1, Day: 31},
		Sections: []ReportSection{
			{Title: tr("РАЗДЕЛ II. ИНФОРМАЦИЯ ПО ПОДОХОДНОМУ НАЛОГУ, ПО СРЕДСТВАМ ГОСУДАРСТВЕННОГО СОЦИАЛЬНОГО СТРАХОВАНИЯ", "II БӨЛҮМ. КИРЕШЕ САЛЫГЫ, МАМЛЕКЕТТИК СОЦИАЛДЫК КАМСЫЗДАНДЫРУУ КАРАЖАТТАРЫ БОЮНЧА МААЛЫМАТ"),
				Cells: []ReportCell{
					{"203", tr("Количество работников", "Кызматкерлердин саны"), fmt.Sprint(n), KindInteger},
					{"204", tr("Общая сумма начисленных доходов", "Эсептелген кирешелердин жалпы суммасы"), "5475000.00", KindMoney},
					{"205", tr("Доходы, не облагаемые подоходным налогом (ст. 191 Налогового кодекса Кыргызской Республики)", "Киреше салыгы салынбаган кирешелер (Кыргыз Республикасынын Салык кодексинин 191-беренеси)"), "0", KindMoney},
					{"206", tr("Общая сумма стандартных вычетов", "Стандарттык чегерүүлөрдүн жалпы суммасы"), "32500", KindMoney},
					{"207", tr("Общая сумма доходов, подлежащих налогообложению (гр. 2 - гр. 3 - гр. 4)", "Салык салынуучу кирешелердин жалпы суммасы"), "5442500.5", KindMoney},
				}},
			{Title: tr("РАЗДЕЛ III. ИНФОРМАЦИЯ ПО КАЖДОМУ РАБОТНИКУ", "III БӨЛҮМ. АР БИР КЫЗМАТКЕР БОЮНЧА МААЛЫМАТ"),
				Tables: []ReportTable{{Columns: cols, Rows: rows}}},
		},
		Accepted: Acceptance{Number: "R-2026-0000123", ReceivedAt: time.Date(2026, 2, 21, 3, 15, 7, 0, time.UTC), Late: true,
			VerificationCode: "H7K2M9Q4X1", VerifyURL: "https://kabinet.test/verify/filing?number=R-2026-0000123&code=H7K2M9Q4X1"},
	}
}

// employee names the i-th employee uniquely, with Kyrgyz letters in every name.
func employee(i int) string {
	first := []string{"Үсөн", "Өмүр", "Жаңыл", "Айгүл", "Нурлан"}
	return fmt.Sprintf("Өмүрбеков%02d %s Каңкаевич", i+1, first[i%len(first)])
}

func TestReportPDF(t *testing.T) {
	for _, lang := range i18n.Langs {
		t.Run("FIL-7 I18N-1 "+string(lang), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Report(&buf, sti161(lang, 50)); err != nil {
				t.Fatal(err)
			}
			s := text(t, buf.Bytes())
			want := []string{"FORM STI-161_6", "№ 360", "001", "102", "103", "104", "107", "117", "118", "201", "202", "203", "207",
				"02405201910123", "ОсОО «Үңкүр Өнөр»", "038 Нарынский р-н", "01.01.2026", "31.01.2026",
				"5 475 000,00", "5 442 500,50", "32 500,00", "1,6",
				"R-2026-0000123", "H7K2M9Q4X1", "901", "21.02.2026 09:15:07", // 03:15 UTC is 09:15 in Bishkek
				i18n.T(lang, "pdf.report.accepted"), strings.ToUpper(i18n.T(lang, "pdf.report.late")),
				strings.ToUpper(i18n.T(lang, "pdf.type.initial")), strings.ToUpper(i18n.T(lang, "pdf.type.liquidation")),
			}
			r, _ := renderReport(sti161(lang, 50))
			m := fmt.Sprint(r.PageCount())
			want = append(want, i18n.T(lang, "pdf.report.page", "n", "1", "m", m), i18n.T(lang, "pdf.report.page", "n", m, "m", m))
			s = flat(s)
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("%q missing", w)
				}
			}
			if strings.Contains(s, "{nb}") {
				t.Error("the page count alias was not replaced")
			}
			if strings.Contains(s, i18n.T(lang, "pdf.report.provisional")[:20]) {
				t.Error("a final form says it is provisional")
			}
		})
	}
	t.Run("FIL-7 every employee row, none cut", func(t *testing.T) {
		f := sti161(i18n.KY, 50)
		var buf bytes.Buffer
		if err := Report(&buf, f); err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(text(t, buf.Bytes()), "\f")
		rows := f.Sections[1].Tables[0].Rows
		for i, row := range rows {
			// The row's first, middle and last values all sit on one page.
			page := -1
			for p, s := range pages {
				if strings.Contains(s, row[1]) {
					page = p
				}
			}
			if page < 0 {
				t.Errorf("row %d (%s) missing", i+1, row[1])
				continue
			}
			for _, v := range []string{fmt.Sprintf("Өмүрбеков%02d", i+1), asText(formatValue(KindMoney, row[19])), asText(formatValue(KindMoney, row[18]))} {
				if !strings.Contains(pages[page], v) {
					t.Errorf("row %d: %q is not on the page of its ИНН", i+1, v)
				}
			}
		}
		// Every table page repeats the heading.
		heading := "АТЫ-ЖӨНҮ"
		for p, s := range pages {
			if strings.Contains(s, "21705198700") && !strings.Contains(s, heading) {
				t.Errorf("page %d holds rows without the table heading", p+1)
			}
		}
		r, err := renderReport(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.rows) != 50 {
			t.Fatalf("%d rows drawn, want 50", len(r.rows))
		}
		for i, b := range r.rows {
			if b.bot > b.pageBottom+1e-9 {
				t.Errorf("row %d on page %d ends at %.1f mm, below the page's %.1f", i+1, b.page, b.bot, b.pageBottom)
			}
		}
		if r.PageCount() < 3 {
			t.Errorf("%d pages: 50 rows cannot fit on one landscape page", r.PageCount())
		}
	})
	t.Run("I18N-1 Kyrgyz letters Ң Ө Ү survive", func(t *testing.T) {
		var buf bytes.Buffer
		Report(&buf, sti161(i18n.KY, 3))
		s := flat(text(t, buf.Bytes()))
		for _, w := range []string{"ОсОО «Үңкүр Өнөр»", "Өмүрбеков01", "Үсөн", "Каңкаевич", "САЛЫК ОРГАНЫ ТАРАБЫНАН КАБЫЛ АЛЫНДЫ", "БАШТАПКЫ", "МӨӨНӨТҮ БУЗУЛУП ТАПШЫРЫЛДЫ"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing", w)
			}
		}
	})
	t.Run("FIL-7 on time, correction, provisional (STI-155)", func(t *testing.T) {
		f := sti161(i18n.RU, 0)
		f.FormCode, f.Version, f.Provisional, f.Type = "STI-155", 1, true, "correction"
		f.Types = []string{"initial", "correction"}
		f.Accepted.Late = false
		var buf bytes.Buffer
		if err := Report(&buf, f); err != nil {
			t.Fatal(err)
		}
		s := flat(text(t, buf.Bytes()))
		for _, w := range []string{"FORM STI-155_1", "ПРЕДВАРИТЕЛЬНАЯ ФОРМА", "Представлен в срок", "УТОЧНЁННЫЙ", "Строк нет"} {
			if !strings.Contains(s, w) {
				t.Errorf("%q missing", w)
			}
		}
		for _, w := range []string{"ЛИКВИДАЦИОННЫЙ", "нарушением"} {
			if strings.Contains(s, w) {
				t.Errorf("%q printed", w)
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		var a, b bytes.Buffer
		Report(&a, sti161(i18n.RU, 5))
		Report(&b, sti161(i18n.RU, 5))
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Error("the same report renders different bytes")
		}
	})
}

// asText is a printed value as pdftotext reads it: a thin space comes out as a space.
func asText(s string) string { return strings.ReplaceAll(s, thinSpace, " ") }

// flat collapses runs of white space (pdftotext's layout, wrapped lines) to one
// space, so a wrapped title or sentence reads as one. Thin spaces (thousands) stay.
func flat(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\f' || r == '\t' }), " ")
}

func TestFormatValue(t *testing.T) {
	for _, c := range []struct {
		kind    Kind
		in, out string
	}{
		{KindMoney, "1234567.5", "1 234 567,50"},
		{KindMoney, "-1000", "-1 000,00"},
		{KindMoney, "999.99", "999,99"},
		{KindMoney, "0", "0,00"},
		{KindMoney, "", ""},
		{KindMoney, "n/a", "n/a"},
		{KindRate, "0.25", "0,25"},
		{KindRate, "10", "10"},
		{KindDate, "2026-03-31", "31.03.2026"},
		{KindText, "1234.5", "1234.5"},
	} {
		got := strings.ReplaceAll(formatValue(c.kind, c.in), thinSpace, " ")
		if got != c.out {
			t.Errorf("formatValue(%s, %q) = %q, want %q", c.kind, c.in, got, c.out)
		}
	}
}

func TestFilingReceiptPDF(t *testing.T) {
	digest := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	for _, lang := range i18n.Langs {
		t.Run("FIL-7 I18N-1 "+string(lang), func(t *testing.T) {
			f := ReceiptForm{Number: "R-2026-0000123", FormCode: "STI-161", Version: 6, FormTitle: "Отчет по подоходному налогу",
				Period: "2026-01", PeriodStart: kabinet.Date{Year: 2026, Month: 1, Day: 1}, PeriodEnd: kabinet.Date{Year: 2026, Month: 1, Day: 31},
				Type: "correction", INN: "02405201910123", Name: "ОсОО «Үңкүр Өнөр»", OfficeCode: "038", OfficeName: "Нарынский р-н",
				ReceivedAt: time.Date(2026, 2, 21, 3, 15, 7, 0, time.UTC), DueDate: kabinet.Date{Year: 2026, Month: 2, Day: 20}, Late: lang == i18n.KY,
				Digest: digest, VerificationCode: "H7K2M9Q4X1", VerifyURL: "https://kabinet.test/verify/filing?number=R-2026-0000123&code=H7K2M9Q4X1", Lang: lang}
			var buf bytes.Buffer
			if err := FilingReceipt(&buf, f); err != nil {
				t.Fatal(err)
			}
			s := flat(text(t, buf.Bytes()))
			status := "pdf.report.on_time"
			if f.Late {
				status = "pdf.report.late"
			}
			for _, w := range []string{"R-2026-0000123", "STI-161_6", "2026-01 (01.01.2026 – 31.01.2026)", "20.02.2026", "21.02.2026 09:15:07",
				"02405201910123", "ОсОО «Үңкүр Өнөр»", "901", digest, "H7K2M9Q4X1", "SHA-256",
				i18n.T(lang, "pdf.filing_receipt.title"), i18n.T(lang, "pdf.type.correction"), i18n.T(lang, status)} {
				if !strings.Contains(s, w) {
					t.Errorf("%q missing", w)
				}
			}
		})
	}
}

func BenchmarkReport50(b *testing.B) {
	f := sti161(i18n.RU, 50)
	var buf bytes.Buffer
	pages := 0
	for b.Loop() {
		buf.Reset()
		r, err := renderReport(f)
		if err != nil {
			b.Fatal(err)
		}
		pages = r.PageCount()
		if err := r.Output(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(pages), "ms/page")
	b.ReportMetric(float64(pages), "pages")
}
