package web

// The supervisor's registry upload (issue 14, point 9; SPEC Actors: the supervisor
// manages the registry): a registry file sent from the browser is stored to a
// temporary file and loaded in the background by store.ImportRegistryProgress, the
// code path of `kabinet registry import`, so the rules and the report (each rejected
// line with its number and reason) are the same. The job's page shows its progress
// and report, refreshing itself while it runs (app.js, or a meta refresh without
// JavaScript), and stays there after reloads and sign-outs.

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"kabinet"
	"kabinet/store"
)

// DefaultMaxRegistryBytes bounds an uploaded registry file unless configured
// (Config.MaxRegistryBytes, `kabinet serve --registry-upload-max`): 256 MiB, about a
// million subjects in CSV. A larger file is split, or loaded with `kabinet registry import`.
const DefaultMaxRegistryBytes = 256 << 20

// registryUploadTime is how long an upload may take to arrive: the server's read
// deadline (15 s) is extended for this one request of a signed-in supervisor.
const registryUploadTime = 15 * time.Minute

// registryData is the upload page: the latest jobs and the size limit.
type registryData struct {
	Jobs   []store.Job
	MaxMiB int64
}

// jobData is a job's page.
type jobData struct {
	Job store.Job
}

func (s *Server) registryView(r *http.Request, st store.StaffActor) (*view, error) {
	v := s.officeView(r, &st, "office_registry", "sup.registry.title")
	v.Path = "/office/registry"
	jobs, err := s.db.Jobs(r.Context(), store.JobRegistryImport, 20)
	v.D = &registryData{Jobs: jobs, MaxMiB: s.cfg.MaxRegistryBytes >> 20}
	return v, err
}

// pageOfficeRegistry: GET /office/registry — the upload form and the latest imports.
func (s *Server) pageOfficeRegistry(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	v, err := s.registryView(r, st)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, v)
	return nil
}

// pageOfficeRegistryUpload: POST /office/registry — a registry file (multipart, field
// "file") is stored and its import started; the browser goes to the job's page. The
// body is read here, after the supervisor's session is checked, so nobody else gets
// the longer read deadline.
func (s *Server) pageOfficeRegistryUpload(w http.ResponseWriter, r *http.Request) error {
	return s.supervisor(func(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
		job, err := s.uploadRegistry(w, r, st)
		if err != nil {
			ctx, cancel := s.afterUpload(r)
			defer cancel()
			r = r.WithContext(ctx)
			v, verr := s.registryView(r, st)
			if verr != nil {
				return verr
			}
			field := "file"
			if kabinet.ErrorCode(err) == "job_running" {
				field = ""
			}
			s.fail(w, r, v, err, field)
			return nil
		}
		return seeOther(w, r, jobHref(job))
	})(w, r)
}

// jobHref is a job's page.
func jobHref(j store.Job) string {
	if j.Kind == store.JobAuditVerify {
		return "/office/audit/jobs/" + strconv.FormatInt(j.ID, 10)
	}
	return "/office/registry/jobs/" + strconv.FormatInt(j.ID, 10)
}

// afterUpload is the context for the database once an upload has arrived: the
// request's own deadline may have passed while the file came, so it gets one of its own.
func (s *Server) afterUpload(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.RequestTimeout)
}

// uploadRegistry reads the upload into a temporary file and starts its import.
func (s *Server) uploadRegistry(w http.ResponseWriter, r *http.Request, st store.StaffActor) (store.Job, error) {
	// While an import runs, another is refused before its file is read (StartJob
	// refuses it again, for one started meanwhile elsewhere).
	if jobs, err := s.db.Jobs(r.Context(), store.JobRegistryImport, 1); err != nil {
		return store.Job{}, err
	} else if len(jobs) == 1 && jobs[0].State == store.JobRunning {
		return store.Job{}, kabinet.Errorf(kabinet.KindConflict, "job_running", "a registry import is running; wait for it to end").
			With("job", int(jobs[0].ID))
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(registryUploadTime))
	_ = rc.SetWriteDeadline(time.Now().Add(registryUploadTime + time.Minute))
	path, name, size, err := s.receiveRegistryFile(r)
	if err != nil {
		return store.Job{}, err
	}
	ctx, cancel := s.afterUpload(r)
	defer cancel()
	who := store.Actor{Name: "staff:" + st.Login, Address: clientAddress(r)}
	head := make([]byte, 64)
	if f, err := os.Open(path); err == nil {
		n, _ := io.ReadFull(f, head)
		head = head[:n]
		f.Close()
	}
	format := store.DetectFormat(name, head)
	return s.jobs.start(ctx, st, store.NewJob{Kind: store.JobRegistryImport, FileName: name, FileBytes: size, Format: format},
		s.registryJob(path, name, format, who), func() { os.Remove(path) })
}

// receiveRegistryFile copies the multipart body's "file" part to a temporary file,
// refusing one larger than the configured limit.
func (s *Server) receiveRegistryFile(r *http.Request) (path, name string, size int64, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", 0, kabinet.Errorf(kabinet.KindInvalid, "registry_file_required", "send the registry file as multipart/form-data, field file")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return "", "", 0, kabinet.Errorf(kabinet.KindInvalid, "registry_file_required", "choose a registry file")
		}
		if err != nil {
			return "", "", 0, formParseError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		name = cleanEcho(filepath.Base(part.FileName()))
		if name == "" || name == "." {
			return "", "", 0, kabinet.Errorf(kabinet.KindInvalid, "registry_file_required", "choose a registry file")
		}
		tmp, err := os.CreateTemp("", "kabinet-registry-*")
		if err != nil {
			return "", "", 0, err
		}
		n, err := io.Copy(tmp, io.LimitReader(part, s.cfg.MaxRegistryBytes+1))
		cerr := tmp.Close()
		switch {
		case err != nil:
			os.Remove(tmp.Name())
			return "", "", 0, formParseError(err)
		case cerr != nil:
			os.Remove(tmp.Name())
			return "", "", 0, cerr
		case n > s.cfg.MaxRegistryBytes:
			os.Remove(tmp.Name())
			return "", "", 0, registryTooLarge(s.cfg.MaxRegistryBytes)
		case n == 0:
			os.Remove(tmp.Name())
			return "", "", 0, kabinet.Errorf(kabinet.KindInvalid, "registry_file_empty", "the file is empty")
		}
		return tmp.Name(), name, n, nil
	}
}

func registryTooLarge(max int64) error {
	return kabinet.Errorf(kabinet.KindTooLarge, "registry_file_too_large", "the file is larger than %d bytes", max).
		With("max", int(max>>20))
}

// countingReader counts the bytes read through it, for the job's progress.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// registryJob loads the file at path through store.ImportRegistryProgress — the code
// path of `kabinet registry import` — reporting each rejected line and the counts.
func (s *Server) registryJob(path, name string, format store.RegistryFormat, who store.Actor) jobFunc {
	return func(ctx context.Context, rep *jobReport) store.JobOutcome {
		f, err := os.Open(path)
		if err != nil {
			return s.jobs.outcomeOf(rep.id, err)
		}
		defer f.Close()
		var done atomic.Int64
		br := bufio.NewReaderSize(countingReader{r: f, n: &done}, 1<<16)
		res, err := s.db.ImportRegistryProgress(ctx, who, name, format, br,
			func(e store.LineError) {
				rep.update(ctx, func(p *store.JobProgress) {
					p.Rejected++
					p.Read = max(p.Read, p.Loaded+p.Rejected)
					p.Done = done.Load()
					if p.Kept+len(p.Lines) < store.JobLinesKept {
						p.Lines = append(p.Lines, store.JobLine{Line: int64(e.Line), Reason: e.Reason})
					}
				})
			},
			func(ir store.ImportReport) {
				rep.update(ctx, func(p *store.JobProgress) {
					p.Read, p.Loaded, p.Rejected, p.Done = int64(ir.Read), int64(ir.Loaded), int64(ir.Rejected), done.Load()
				})
			})
		rep.update(ctx, func(p *store.JobProgress) {
			p.Read, p.Loaded, p.Rejected = int64(res.Read), int64(res.Loaded), int64(res.Rejected)
			if p.Done = done.Load(); err == nil {
				p.Done = p.Total
			}
		})
		return s.jobs.outcomeOf(rep.id, err)
	}
}

// pageOfficeRegistryJob: GET /office/registry/jobs/{id} — an import's progress and report.
func (s *Server) pageOfficeRegistryJob(w http.ResponseWriter, r *http.Request, st store.StaffActor) error {
	return s.showJob(w, r, st, store.JobRegistryImport, "sup.job.registry.title")
}

// showJob renders a job's page, which refreshes itself while the job runs.
func (s *Server) showJob(w http.ResponseWriter, r *http.Request, st store.StaffActor, kind store.JobKind, title string) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return kabinet.Errorf(kabinet.KindNotFound, "job_not_found", "no such job")
	}
	j, err := s.db.Job(r.Context(), kind, id)
	if err != nil {
		return err
	}
	v := s.officeView(r, &st, "office_job", title)
	v.D = &jobData{Job: j}
	s.render(w, r, http.StatusOK, v)
	return nil
}
