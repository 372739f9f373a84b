package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"kabinet/demo"
)

// Subjects of the filing and VAT scenarios: registry rows of their own kind (filers of
// STI-091 are entrepreneurs, VAT payers carry vat_registered_on), the accounts that
// sign in for them, and the sessions the scenarios send.

// subjectRows describes registry rows lo..hi-1 written for a scenario.
type subjectRows struct {
	kind    string // individual, entrepreneur, legal
	vatOn   string // vat_registered_on, "" if not a VAT payer
	reports string // the forms the subject must file (FIL-8)
}

// allocRows hands out n generated-row numbers no other scenario of this run uses.
func (b *bench) allocRows(n int) int {
	if b.nextRow == 0 {
		b.nextRow = b.rowBase + 500_000_000
	}
	lo := b.nextRow
	b.nextRow += n
	return lo
}

// writeSubjectRows writes registry rows lo..hi-1 with the optional columns
// vat_registered_on and reports (SPEC "Registry file").
func writeSubjectRows(w io.Writer, lo, hi int, s subjectRows) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.WriteString("inn,kind,name,head_position,head_name,office_code,address,status,fraud_reference,vat_registered_on,reports\n"); err != nil {
		return err
	}
	for i := lo; i < hi; i++ {
		if _, err := fmt.Fprintf(bw, "%s,%s,%s,,,%s,\"г. Бишкек, ул. Токтогула %d\",active,,%s,%s\n",
			demo.GeneratedINN(i), s.kind, benchNames[i%len(benchNames)], benchOffices[i%len(benchOffices)], 1+i%300, s.vatOn, s.reports); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// loadSubjects imports registry rows lo..hi-1 of the kind s describes.
func (b *bench) loadSubjects(ctx context.Context, lo, hi int, s subjectRows, source string) error {
	return b.importGenerated(ctx, source, func(w io.Writer) error { return writeSubjectRows(w, lo, hi, s) })
}

// grantAll takes the subjects inns through the access flow (grantINN), on all cores,
// and returns their logins in the same order; what names the progress line.
func (b *bench) grantAll(ctx context.Context, what string, inns []string, addrNet byte) ([]string, []time.Duration, error) {
	if err := b.ensureSupervisor(ctx); err != nil {
		return nil, nil, err
	}
	logins := make([]string, len(inns))
	took := make([]time.Duration, 0, len(inns))
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan int)
		done     int
	)
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				login, d, err := b.grantINN(ctx, inns[i], fmt.Sprintf("127.%d.%d.%d", addrNet, i>>8&255, i&255))
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("bench: account %d: %w", i, err)
				}
				if err == nil {
					took = append(took, d)
				}
				logins[i] = login
				done++
				b.status("creating accounts for %s: %d of %d", what, done, len(inns))
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(inns) && ctx.Err() == nil && firstErr == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	b.clearStatus()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	return logins, took, ctx.Err()
}

// apiError is an API error answer's code (SPEC: {"error": {"code": …}}).
func apiError(body []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error.Code
}

// send2 sends a request with a JSON body and the given headers, and returns the status,
// the headers and the body of the answer.
func send2(ctx context.Context, c *http.Client, method, url string, body []byte, hdr map[string]string) (int, http.Header, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(string(body)))
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	p, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, p, err
}

// signIn signs in at base (the taxpayer's or, with office, the staff's API) and returns
// the session's Cookie header value.
func signIn(ctx context.Context, c *http.Client, base, login, password string, office bool) (string, error) {
	path := "/api/v1/auth/login"
	if office {
		path = "/api/v1/office/auth/login"
	}
	st, h, body, err := send2(ctx, c, http.MethodPost, base+path, jsonBody(map[string]string{"login": login, "password": password}), nil)
	if err != nil {
		return "", fmt.Errorf("bench: sign in %s: %w", login, err)
	}
	if st != http.StatusOK {
		return "", fmt.Errorf("bench: sign in %s: %d %s", login, st, strings.TrimSpace(string(body)))
	}
	var parts []string
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		if ck.Value != "" {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("bench: sign in %s: no session cookie", login)
	}
	return strings.Join(parts, "; "), nil
}

// signInAll signs every login in at base, on as many clients as there are cores.
func (b *bench) signInAll(ctx context.Context, base string, logins []string, password string, office bool) ([]string, error) {
	cookies := make([]string, len(logins))
	errs := make([]error, len(logins))
	cs := b.clients(runtime.NumCPU())
	defer closeClients(cs)
	var wg sync.WaitGroup
	for w := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(logins); i += len(cs) {
				cookies[i], errs[i] = signIn(ctx, cs[w], base, logins[i], password, office)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return cookies, nil
}

// secondInstance starts a `kabinet serve` of its own on the bench's database: the
// scenarios that measure two instances send half their requests to it.
func (b *bench) secondInstance(ctx context.Context) (*child, error) {
	db := b.dbURL
	if db == "" {
		db = b.cfg.db
	}
	if db == "" {
		return nil, fmt.Errorf("bench: a second instance needs the database's URL (--db)")
	}
	return b.startChild(ctx, db)
}

// retryAfter is a 503's Retry-After in seconds, 1 when absent, at most 5.
func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || n < 1 {
		n = 1
	}
	return time.Duration(min(n, 5)) * time.Second
}
