package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"kabinet"
	"kabinet/internal/dbtest"
	"kabinet/store"
	"kabinet/web"
)

// supRegistry is a registry file with two good lines and three bad ones (an impossible
// ИНН, an unknown office, a wrong kind), as `kabinet registry import` would report them.
const supRegistry = "inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference\n" +
	"21511199000123,individual,Садыков Эмиль Болотович,,,038,\"г. Нарын\",active,\n" +
	"11399199000123,individual,Плохая Дата,,,038,,active,\n" +
	"02202201910456,legal,ОсОО «Тоо Суу»,Директор,Исаков Бек,038,\"г. Нарын\",active,\n" +
	"21511199000777,individual,Неизвестный Орган,,,999x,,active,\n" +
	"21511199000888,alien,Чужой Вид,,,038,,active,\n"

// upload posts a multipart form with one file as a browser does.
func (b *browser) upload(t *testing.T, path, field, name, content string) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile(field, name)
	io.WriteString(fw, content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", b.e.srv.URL)
	resp, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{status: resp.StatusCode, body: string(raw), header: resp.Header}
	checkPage(t, "POST "+path, p)
	return p
}

// waitJob waits until the job has ended (the import runs in the background) and
// returns it; it fails the test if the job is still running after a minute.
func waitJob(t *testing.T, db *store.DB, kind store.JobKind, id int64) store.Job {
	t.Helper()
	for end := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		j, err := db.Job(context.Background(), kind, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != store.JobRunning {
			return j
		}
		if time.Now().After(end) {
			t.Fatalf("job %d still running: %+v", id, j)
		}
	}
}

var jobPath = regexp.MustCompile(`^/office/(registry|audit)/jobs/([0-9]+)$`)

// jobOf is the job a redirect leads to.
func jobOf(t *testing.T, p page) int64 {
	t.Helper()
	m := jobPath.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		t.Fatalf("not sent to a job's page: %d %q %s", p.status, p.header.Get("Location"), excerpt(p.body))
	}
	id, _ := strconv.ParseInt(m[2], 10, 64)
	return id
}

// Issue 14, point 9 (SEC-1): the supervisor's pages — offices, officers, the registry
// upload as a background job with its report, the audit viewer and the chain's
// verification — are a supervisor's only (an officer gets 403 pages), take bad input
// without a 500, speak both languages, and audit every act.
func TestSupervisorPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbURL string) {
		e := newEnv(t, dbURL)
		officer := e.browser("")
		officer.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
		sup := e.browser("")
		sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
		supKY := e.browser("ky")
		supKY.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")

		t.Run("SEC-1 an officer gets 403 pages; nobody signed in goes to the sign-in page", func(t *testing.T) {
			for _, path := range []string{"/office/offices", "/office/staff", "/office/registry", "/office/audit", "/office/registry/jobs/1", "/office/audit/jobs/1"} {
				officer.get(t, path).expect(t, 403, "").has(t, "Недостаточно прав")
				e.browser("").get(t, path).expect(t, 303, "/office/login?m=signin")
			}
			for _, path := range []string{"/office/offices", "/office/staff", "/office/staff/active", "/office/staff/totp-reset", "/office/audit", "/office/audit/verify"} {
				officer.post(t, path, "login", "oktyabr", "code", "099", "name_ru", "x", "name_ky", "y").expect(t, 403, "")
			}
			officer.upload(t, "/office/registry", "file", "r.csv", supRegistry).expect(t, 403, "")
			officer.upload(t, "/office/offices/import", "file", "o.csv", "code,name_ru,name_ky\n").expect(t, 403, "")
			officer.get(t, "/office/").expect(t, 200, "").hasNot(t, `href="/office/staff"`, `href="/office/audit"`)
			sup.get(t, "/office/").expect(t, 200, "").has(t, `href="/office/staff"`, `href="/office/offices"`, `href="/office/registry"`, `href="/office/audit"`)
		})

		t.Run("offices: add, rename, file, both languages", func(t *testing.T) {
			sup.get(t, "/office/offices").expect(t, 200, "").has(t, "Налоговые органы", "Нарынский р-н", "Нарын району")
			supKY.get(t, "/office/offices").expect(t, 200, "").has(t, "Салык органдары", "Органдардын тизмеси", "Кыргызча аталышы")
			sup.post(t, "/office/offices", "code", "9a", "name_ru", "Х", "name_ky", "Х").expect(t, 400, "").has(t, "три цифры", `value="9a"`)
			sup.post(t, "/office/offices", "code", "099", "name_ru", "Новый р-н", "name_ky", "").expect(t, 400, "").has(t, "на обоих языках", `value="Новый р-н"`)
			sup.post(t, "/office/offices", "code", "099", "name_ru", "Новый р-н", "name_ky", "Жаңы району").expect(t, 303, "/office/offices?m=office_created")
			sup.get(t, "/office/offices?m=office_created").expect(t, 200, "").has(t, "Налоговый орган добавлен", "Новый р-н")
			sup.get(t, "/office/offices?code=099").expect(t, 200, "").has(t, `value="Жаңы району"`)
			sup.post(t, "/office/offices", "code", "099", "name_ru", "Новый район", "name_ky", "Жаңы району").expect(t, 303, "/office/offices?m=saved")
			p := sup.upload(t, "/office/offices/import", "file", "offices.csv", "code,name_ru,name_ky\n098,Ещё,Дагы\n1x,Плохой,Жаман\n").expect(t, 200, "")
			p.has(t, "Файл органов загружен", "<dd>2</dd>", "<td class=\"mono\">3</td>", "is not a 3-digit office code")
			sup.upload(t, "/office/offices/import", "file", "offices.csv", "name\n").expect(t, 400, "").has(t, "Файл не удалось прочитать")
			for _, action := range []string{"office.create", "office.rename", "offices.import"} {
				if p, _ := e.db.SearchAudit(context.Background(), store.AuditQuery{Action: action, Actor: "staff:supervisor"}); len(p.Events) == 0 {
					t.Errorf("SEC-1 %s not audited", action)
				}
			}
		})

		t.Run("officers: create (the password never shown), disable, enable, reset the second factor", func(t *testing.T) {
			sup.get(t, "/office/staff").expect(t, 200, "").has(t, "naryn", "Осмонов Талант", "038 Нарынский р-н", "Это вы", `autocomplete="new-password"`)
			supKY.get(t, "/office/staff").expect(t, 200, "").has(t, "Кызматкерлер", "Кызмат адамы", "Бул сиз")
			const pw = "Талас!2026новый"
			create := func(login, pw, confirm string) page {
				return sup.post(t, "/office/staff", "login", login, "name", "Асанов Бакыт", "role", "officer", "office", "041",
					"password", pw, "password_confirm", confirm)
			}
			p := create("talas", pw, pw+"x").expect(t, 422, "")
			p.has(t, "не совпадают", `value="talas"`, `value="Асанов Бакыт"`)
			p.hasNot(t, pw)
			p = create("talas", "talas", "talas").expect(t, 422, "")
			p.has(t, "Пароль не соответствует требованиям")
			create("Talas Bad", pw, pw).expect(t, 400, "").has(t, "Логин может содержать")
			sup.post(t, "/office/staff", "login", "nooffice", "name", "X", "role", "officer", "office", "", "password", pw, "password_confirm", pw).
				expect(t, 400, "").has(t, "нужно указать налоговый орган")
			create("talas", pw, pw).expect(t, 303, "/office/staff?m=staff_created")
			p = sup.get(t, "/office/staff?m=staff_created").expect(t, 200, "")
			p.has(t, "Учётная запись создана", "talas", "Обязателен, ещё не подключён")
			p.hasNot(t, pw)
			create("talas", pw, pw).expect(t, 409, "").has(t, "Такой логин уже существует")
			if ev := lastEntry(t, e, "staff.create", "staff:talas"); ev.Actor != "staff:supervisor" || strings.Contains(ev.Details, pw) {
				t.Errorf("SEC-1 staff.create: %+v", ev)
			}

			// The new officer signs in with the password and reaches only the enrolment page.
			talas := e.browser("")
			talas.post(t, "/office/login", "login", "talas", "password", pw).expect(t, 303, "/office/")
			talas.get(t, "/office/").expect(t, 303, "/office/totp")

			sup.post(t, "/office/staff/active", "login", "supervisor", "active", "0").expect(t, 409, "").has(t, "Со своей учётной записью")
			sup.post(t, "/office/staff/active", "login", "nobody", "active", "0").expect(t, 404, "")
			sup.post(t, "/office/staff/active", "login", "talas", "active", "0").expect(t, 303, "/office/staff?m=staff_disabled")
			talas.get(t, "/office/totp").expect(t, 303, "/office/login?m=signin")
			talas.post(t, "/office/login", "login", "talas", "password", pw).expect(t, 403, "")
			sup.get(t, "/office/staff?m=staff_disabled").expect(t, 200, "").has(t, "Учётная запись отключена", "Отключена", "Включить")
			sup.post(t, "/office/staff/active", "login", "talas", "active", "1").expect(t, 303, "/office/staff?m=staff_enabled")
			talas.post(t, "/office/login", "login", "talas", "password", pw).expect(t, 303, "/office/")

			// naryn enrols a second factor; the supervisor resets it; naryn enrols again.
			naryn := e.browser("")
			naryn.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			secret, _, _ := e.db.NewTOTPSecret("naryn")
			st, _ := e.db.StaffByLogin(context.Background(), "naryn")
			if err := e.db.ConfirmTOTP(context.Background(), store.System, st.ID, secret, totpCode(t, secret, e.clock.Now())); err != nil {
				t.Fatal(err)
			}
			sup.get(t, "/office/staff").expect(t, 200, "").has(t, "Подключён")
			sup.post(t, "/office/staff/totp-reset", "login", "naryn").expect(t, 303, "/office/staff?m=totp_reset")
			naryn.get(t, "/office/").expect(t, 303, "/office/login?m=signin")
			naryn.post(t, "/office/login", "login", "naryn", "password", "Naryn!2026x").expect(t, 303, "/office/")
			naryn.get(t, "/office/").expect(t, 303, "/office/totp")
			for _, action := range []string{"staff.disable", "staff.enable", "staff.totp_reset"} {
				lastEntry(t, e, action, "")
			}
		})

		t.Run("registry: the upload runs as a job; its page shows progress and each rejected line", func(t *testing.T) {
			sup.get(t, "/office/registry").expect(t, 200, "").has(t, "Загрузка реестра", `enctype="multipart/form-data"`, "Загрузок ещё не было")
			sup.upload(t, "/office/registry", "other", "r.csv", supRegistry).expect(t, 400, "").has(t, "Выберите файл реестра")
			sup.upload(t, "/office/registry", "file", "r.csv", "").expect(t, 400, "").has(t, "Файл пуст")
			id := jobOf(t, sup.upload(t, "/office/registry", "file", "registry-2026.csv", supRegistry).expect(t, 303, ""))
			j := waitJob(t, e.db, store.JobRegistryImport, id)
			if j.State != store.JobDone || j.Read != 5 || j.Loaded != 2 || j.Rejected != 3 || len(j.Lines) != 3 {
				t.Fatalf("the job: %+v", j)
			}
			page := fmt.Sprintf("/office/registry/jobs/%d", id)
			p := sup.get(t, page).expect(t, 200, "")
			p.has(t, "Завершено", "registry-2026.csv", `value="100"`, `<dd class="count-read">5</dd>`, `<dd class="count-loaded">2</dd>`,
				`<dd class="count-rejected">3</dd>`, `<td class="mono">3</td>`, `<td class="mono">5</td>`, `<td class="mono">6</td>`,
				"inn: ", `office_code: &#34;999x&#34; is not a known tax office`, `kind: &#34;alien&#34;`)
			p.hasNot(t, "http-equiv=\"refresh\"", "data-poll")
			supKY.get(t, page).expect(t, 200, "").has(t, "Аяктады", "Четке кагылган саптар")
			if tp, err := e.db.Taxpayer(context.Background(), "21511199000123"); err != nil || tp.Name != "Садыков Эмиль Болотович" {
				t.Errorf("the good line was not loaded: %+v %v", tp, err)
			}
			sup.get(t, "/office/registry").expect(t, 200, "").has(t, page, "registry-2026.csv")
			up := lastEntry(t, e, "registry.upload", fmt.Sprintf("job:%d", id))
			done := lastEntry(t, e, "registry.import_job", fmt.Sprintf("job:%d", id))
			if up.Actor != "staff:supervisor" || !strings.Contains(up.Details, `"file":"registry-2026.csv"`) ||
				!strings.Contains(done.Details, `"loaded":2`) || !strings.Contains(done.Details, `"rejected":3`) {
				t.Errorf("SEC-1 the upload's entries: %+v %+v", up, done)
			}
			if b := lastEntry(t, e, "registry.import", ""); b.Actor != "staff:supervisor" || !strings.Contains(b.Details, "registry-2026.csv") {
				t.Errorf("the batch's entry names the supervisor and the file: %+v", b)
			}
			sup.get(t, "/office/registry/jobs/999999").expect(t, 404, "")
			sup.get(t, "/office/registry/jobs/x").expect(t, 404, "")
			sup.get(t, fmt.Sprintf("/office/audit/jobs/%d", id)).expect(t, 404, "")

			// A bad header: the job fails with the reason.
			id = jobOf(t, sup.upload(t, "/office/registry", "file", "bad.csv", "inn,name\n1,2\n").expect(t, 303, ""))
			if j := waitJob(t, e.db, store.JobRegistryImport, id); j.State != store.JobFailed || j.ErrorCode != "invalid_file" {
				t.Errorf("a bad header: %+v", j)
			}
			sup.get(t, fmt.Sprintf("/office/registry/jobs/%d", id)).expect(t, 200, "").has(t, "Прервано с ошибкой", "неверный заголовок", "lacks column")

			// While a job runs (one held open here), its page refreshes itself, and another
			// upload is refused.
			sa := store.StaffActor{Staff: kabinet.Staff{ID: 1, Login: "supervisor", Role: kabinet.RoleSupervisor}}
			held, err := e.db.StartJob(context.Background(), sa, store.NewJob{Kind: store.JobRegistryImport, Instance: "elsewhere", FileName: "big.csv", FileBytes: 1000})
			if err != nil {
				t.Fatal(err)
			}
			e.db.ReportJob(context.Background(), held.ID, store.JobProgress{Total: 1000, Done: 400, Read: 40, Loaded: 39, Rejected: 1,
				Lines: []store.JobLine{{Line: 7, Reason: "inn: bad"}}})
			p = sup.get(t, fmt.Sprintf("/office/registry/jobs/%d", held.ID)).expect(t, 200, "")
			p.has(t, `<noscript><meta http-equiv="refresh" content="3"></noscript>`, `data-poll="2000"`, "Выполняется", `value="40"`, "Выполнено: 40 %", "1\u00a0000", "big.csv")
			sup.upload(t, "/office/registry", "file", "r.csv", supRegistry).expect(t, 409, "").has(t, "уже выполняется")
			e.db.FinishJob(context.Background(), held.ID, store.JobProgress{Total: 1000, Done: 1000}, store.JobOutcome{State: store.JobDone})
		})

		t.Run("the audit viewer finds the upload; the chain's verification runs as a job", func(t *testing.T) {
			p := sup.get(t, "/office/audit").expect(t, 200, "")
			p.has(t, "Журнал аудита", "Проверить цепочку", "Журнал здесь ещё не проверялся", "registry.import_job",
				`name="from" type="date" value="2026-11-17"`)
			actions := func(p page) string {
				var out []string
				for _, m := range regexp.MustCompile(`data-label="(?:Действие|Аракет)">([^<]+)<`).FindAllStringSubmatch(p.body, -1) {
					out = append(out, m[1])
				}
				return strings.Join(out, " ")
			}
			// Who, by name in words, the stored actor (what the filter searches) beside it.
			actors := func(p page) []string {
				var out []string
				for _, m := range regexp.MustCompile(`data-label="(?:Кто|Ким)">([^<]*)<span class="[^"]*sup-actor-id">([^<]+)</span>`).FindAllStringSubmatch(p.body, -1) {
					out = append(out, strings.TrimSpace(m[1])+" | "+m[2])
				}
				return out
			}
			p = sup.post(t, "/office/audit", "action", "registry.upload").expect(t, 200, "")
			p.has(t, "registry-2026.csv")
			if got := actors(p); len(got) == 0 || got[0] != "Асанова Динара | staff:supervisor" {
				t.Errorf("the upload's actor: %q, want the supervisor's name and staff:supervisor", got)
			}
			if got := actions(p); !strings.HasPrefix(got, "registry.upload") || strings.Trim(strings.ReplaceAll(got, "registry.upload", ""), " ") != "" {
				t.Errorf("action filter: %q", got)
			}
			p = sup.post(t, "/office/audit", "actor", "staff:supervisor", "subject", "staff:talas").expect(t, 200, "")
			if got := actions(p); !strings.Contains(got, "staff.create") || !strings.Contains(got, "staff.disable") || strings.Contains(got, "registry") {
				t.Errorf("actor and subject filter: %q", got)
			}
			today := kabinet.DateOf(e.clock.Now())
			sup.post(t, "/office/audit", "action", "registry.upload", "from", today.ISO(), "to", today.String()).expect(t, 200, "").has(t, "registry-2026.csv")
			sup.post(t, "/office/audit", "action", "registry.upload", "to", today.AddDays(-1).ISO()).expect(t, 200, "").has(t, "Записей не найдено")
			sup.post(t, "/office/audit", "from", "2026-13-40").expect(t, 400, "").has(t, "Дата:", `value="2026-13-40"`)
			sup.post(t, "/office/audit", "from", today.ISO(), "to", today.AddDays(-1).ISO()).expect(t, 400, "").has(t, "позже")
			supKY.post(t, "/office/audit", "action", "registry.upload").expect(t, 200, "").has(t, "Аудит журналы", "registry-2026.csv")

			// Pages of 50, newest first: the next page starts below the last entry shown.
			for i := 0; i < 50; i++ {
				if _, err := e.db.LookupRegistry(context.Background(), store.Actor{Name: "public", Address: "10.1.1.1"}, guideINN, 1000); err != nil {
					t.Fatal(err)
				}
			}
			if got := actors(supKY.post(t, "/office/audit", "actor", "public", "action", "registry.lookup").expect(t, 200, "")); len(got) == 0 || got[0] != "салык төлөөчү | public" {
				t.Errorf("a taxpayer's look-up in Kyrgyz: %q", got)
			}
			p = sup.post(t, "/office/audit").expect(t, 200, "")
			m := regexp.MustCompile(`name="before" value="([0-9]+)"`).FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no next page")
			}
			before, _ := strconv.ParseInt(m[1], 10, 64)
			p2 := sup.post(t, "/office/audit", "before", m[1]).expect(t, 200, "")
			if !strings.Contains(p2.body, fmt.Sprintf(`data-label="№">%d<`, before-1)) || strings.Contains(p2.body, fmt.Sprintf(`data-label="№">%d<`, before)) {
				t.Errorf("the second page does not start below %d", before)
			}

			id := jobOf(t, sup.post(t, "/office/audit/verify").expect(t, 303, ""))
			j := waitJob(t, e.db, store.JobAuditVerify, id)
			if j.State != store.JobDone || j.Rejected != 0 || j.Read == 0 {
				t.Fatalf("the verification: %+v", j)
			}
			sup.get(t, fmt.Sprintf("/office/audit/jobs/%d", id)).expect(t, 200, "").has(t, "Цепочка цела", "Проверено записей")
			sup.get(t, "/office/audit").expect(t, 200, "").has(t, "Последняя проверка", "Цепочка цела")
			lastEntry(t, e, "audit.verify", fmt.Sprintf("job:%d", id))
			if ev := lastEntry(t, e, "audit.view", ""); ev.Actor != "staff:supervisor" {
				t.Errorf("SEC-1 reading the log is not on record: %+v", ev)
			}
		})

		t.Run("SEC-3 bad input: a page with a message, never a 500", func(t *testing.T) {
			bad := []string{"", "\x00", "\xff\xfe", strings.Repeat("я", 5000), "<script>alert(1)</script>"}
			routes := []struct {
				path   string
				fields []string
			}{
				{"/office/offices", []string{"code", "name_ru", "name_ky"}},
				{"/office/staff", []string{"login", "name", "role", "office", "password", "password_confirm"}},
				{"/office/staff/active", []string{"login", "active"}},
				{"/office/staff/totp-reset", []string{"login"}},
				{"/office/audit", []string{"actor", "action", "subject", "from", "to", "before"}},
			}
			for _, rt := range routes {
				for _, v := range bad {
					kv := []string{}
					for _, f := range rt.fields {
						kv = append(kv, f, v)
					}
					p := sup.post(t, rt.path, kv...)
					if p.status >= 500 || strings.Contains(p.body, "<script>alert(1)</script>") {
						t.Errorf("SEC-3 %s with %q: %d", rt.path, v, p.status)
					}
				}
			}
			for _, name := range []string{"\x00.csv", "<b>.csv", strings.Repeat("я", 400) + ".csv"} {
				p := sup.upload(t, "/office/registry", "file", name, "inn\n")
				if p.status >= 500 || strings.Contains(p.body, "<b>.csv") {
					t.Errorf("SEC-3 a file named %q: %d", name, p.status)
				}
				if p.status == 303 {
					waitJob(t, e.db, store.JobRegistryImport, jobOf(t, p))
				}
			}
			sup.get(t, "/office/offices?code=%00").expect(t, 200, "")
		})
	})
}

// lastEntry is the newest audit entry of action (on subject, when given).
func lastEntry(t *testing.T, e *testServer, action, subject string) kabinet.AuditEvent {
	t.Helper()
	p, err := e.db.SearchAudit(context.Background(), store.AuditQuery{Action: action, Subject: subject, Limit: 1})
	if err != nil || len(p.Events) == 0 {
		t.Fatalf("SEC-1 no audit entry %s %s (%v)", action, subject, err)
	}
	return p.Events[0]
}

// Issue 14, point 9: a registry file over the configured limit is refused with 413 and
// a clear message, before any job starts.
func TestRegistryUploadLimit(t *testing.T) {
	e := startServer(t, dbtest.URL(t, dbtest.Engines[0]), registryCSV, web.Config{MaxRegistryBytes: 1 << 20})
	sup := e.browser("")
	sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
	big := supRegistry + strings.Repeat("#", 1<<20)
	sup.upload(t, "/office/registry", "file", "big.csv", big).expect(t, 413, "").has(t, "Файл слишком большой", "МБ: 1")
	supKY := e.browser("ky")
	supKY.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
	supKY.upload(t, "/office/registry", "file", "big.csv", big+strings.Repeat("#", 200<<10)).expect(t, 413, "")
	if jobs, _ := e.db.Jobs(context.Background(), store.JobRegistryImport, 10); len(jobs) != 0 {
		t.Errorf("a job started for a refused file: %+v", jobs)
	}
}

// Issue 14, point 9: a job its instance was running when it stopped is marked failed
// (interrupted) when the instance starts again, not left running.
func TestJobInterruptedAtStart(t *testing.T) {
	dbURL := dbtest.URL(t, dbtest.Engines[0])
	e := startServer(t, dbURL, registryCSV, web.Config{Instance: "box-1"})
	sa := store.StaffActor{Staff: kabinet.Staff{ID: 1, Login: "supervisor", Role: kabinet.RoleSupervisor}}
	ctx := context.Background()
	mine, err := e.db.StartJob(ctx, sa, store.NewJob{Kind: store.JobRegistryImport, Instance: "box-1", FileName: "a.csv"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := e.db.StartJob(ctx, sa, store.NewJob{Kind: store.JobAuditVerify, Instance: "box-2"})
	if err != nil {
		t.Fatal(err)
	}
	restarted := instance(t, dbURL, e.clock, web.Config{Instance: "box-1"}, "box-1 again")
	if j, _ := restarted.db.Job(ctx, store.JobRegistryImport, mine.ID); j.State != store.JobFailed || j.ErrorCode != "interrupted" {
		t.Errorf("box-1's job after box-1 restarted: %s %q", j.State, j.ErrorCode)
	}
	if j, _ := restarted.db.Job(ctx, store.JobAuditVerify, theirs.ID); j.State != store.JobRunning {
		t.Errorf("box-2's running job after box-1 restarted: %s", j.State)
	}
	sup := restarted.browser("")
	sup.post(t, "/office/login", "login", "supervisor", "password", "Super!2026x").expect(t, 303, "/office/")
	sup.get(t, fmt.Sprintf("/office/registry/jobs/%d", mine.ID)).expect(t, 200, "").has(t, "Работа прервана")
	lastEntry(t, restarted, "job.interrupted", fmt.Sprintf("job:%d", mine.ID))
	e.db.FinishJob(ctx, theirs.ID, store.JobProgress{}, store.JobOutcome{State: store.JobDone})
}
