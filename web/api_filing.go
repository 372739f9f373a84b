package web

// The taxpayer's filing API (CAB-2; FIL-2 … FIL-7): submit a report as JSON or as an
// XML file, recompute as one types, keep drafts, read one's own filings and their
// printed forms, and the public verification of a receipt.

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"kabinet"
	"kabinet/form"
	"kabinet/store"
)

// maxPasswordPart bounds the password part of a multipart upload.
const maxPasswordPart = 4 << 10

// bodyLimit is the largest request body r may carry: reports (FIL-3) and form
// definitions (FIL-1) are larger than any other request, so their calls and the
// filing pages get MaxUploadBytes (and room for a multipart envelope); every other
// request the configured MaxBodyBytes.
func (s *Server) bodyLimit(r *http.Request) int64 {
	p := r.URL.Path
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) &&
		(strings.Contains(p, "/filings") || strings.HasPrefix(p, "/api/v1/office/forms") || strings.HasPrefix(p, "/office/forms")) {
		return MaxUploadBytes + 64<<10
	}
	if r.Method == http.MethodPost && (p == "/office/registry" || p == "/api/v1/office/registry/imports") {
		return s.cfg.MaxRegistryBytes + 64<<10 // a registry file (office_registry.go)
	}
	if r.Method == http.MethodPost && p == "/office/offices/import" {
		return maxOfficesFile + 64<<10
	}
	return s.cfg.MaxBodyBytes
}

// filingRequest is a report as the API carries it: the input (form.Input) and the
// password confirming it (FIL-6).
type filingRequest struct {
	in       form.Input
	password string
}

// readFilingRequest reads POST /api/v1/filings: a JSON body {form, version?, period,
// type, cells, tables?, password}, or multipart/form-data with an XML `file` (format
// in form/XML.md) and `password`. A malformed file is invalid_file (422) with its
// line and reason; one over MaxUploadBytes is 413 file_too_large.
func readFilingRequest(r *http.Request) (filingRequest, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		return readFilingUpload(r)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxUploadBytes+1))
	if err != nil {
		return filingRequest{}, err
	}
	in, err := form.ParseJSON(bytes.NewReader(data), MaxUploadBytes)
	if err != nil {
		return filingRequest{}, err
	}
	var pw struct {
		Password string `json:"password"`
	}
	_ = json.Unmarshal(data, &pw) // ParseJSON has vouched for the JSON; a non-string password is ""
	return filingRequest{in: in, password: pw.Password}, nil
}

// readFilingUpload reads the multipart form of an XML upload (FIL-3).
func readFilingUpload(r *http.Request) (filingRequest, error) {
	var req filingRequest
	mr, err := r.MultipartReader()
	if err != nil {
		return req, kabinet.Errorf(kabinet.KindInvalid, "invalid_multipart", "the multipart body cannot be read: %v", err)
	}
	haveFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return req, err
			}
			return req, kabinet.Errorf(kabinet.KindInvalid, "invalid_multipart", "the multipart body cannot be read: %v", err)
		}
		switch part.FormName() {
		case "file":
			if haveFile {
				return req, kabinet.Errorf(kabinet.KindInvalid, "invalid_multipart", "send one file")
			}
			haveFile = true
			if req.in, err = form.ParseXML(part, MaxUploadBytes); err != nil {
				return req, err
			}
		case "password":
			b, err := io.ReadAll(io.LimitReader(part, maxPasswordPart))
			if err != nil {
				return req, err
			}
			req.password = string(b)
		}
		part.Close()
	}
	if !haveFile {
		return req, kabinet.Errorf(kabinet.KindInvalid, "file_required", "send the report as the part named file")
	}
	return req, nil
}

// inputControl is the 422 input_control answer with every error in the user's language (FIL-4).
func (s *Server) inputControl(r *http.Request, errs []form.CellError) error {
	return kabinet.Errorf(kabinet.KindUnprocessable, "input_control", "the report failed input control: %d errors", len(errs)).
		With("errors", inputControlErrors(errs, langOf(r)))
}

// receiptView is the receipt as the API answers a submission (FIL-7).
type receiptView struct {
	kabinet.Receipt
	Links map[string]link `json:"links"`
}

// apiFileReport: POST /api/v1/filings — file a report (FIL-3 … FIL-7). 201 the
// receipt; a replayed Idempotency-Key 200 with the first receipt.
func (s *Server) apiFileReport(w http.ResponseWriter, r *http.Request) error {
	sess, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	req, err := readFilingRequest(r)
	if err != nil {
		return err
	}
	rc, replayed, errs, err := s.fileReport(r.Context(), taxpayerActor(r, acct), sess, acct, req.in, req.password,
		r.Header.Get("Idempotency-Key"), false)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.inputControl(r, errs)
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
	}
	writeJSON(w, status, receiptView{Receipt: rc, Links: filingLinks("/api/v1/filings/", rc.Number)})
	return nil
}

// apiComputeReport: POST /api/v1/filings/compute — the input control without filing
// (FIL-2, FIL-4): the page sends the input as the taxpayer types and shows the
// recomputed cells and the errors. With "human": true money is read as people type it
// ("1 234,56"). Nothing is stored.
func (s *Server) apiComputeReport(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxUploadBytes+1))
	if err != nil {
		return err
	}
	in, err := form.ParseJSON(bytes.NewReader(data), MaxUploadBytes)
	if err != nil {
		return err
	}
	var opt struct {
		Human bool `json:"human"`
	}
	_ = json.Unmarshal(data, &opt)
	_, _, res, errs, err := s.checkReport(r.Context(), acct.INN, in, opt.Human)
	if err != nil {
		return err
	}
	if res.Tables == nil {
		res.Tables = map[string][]map[string]string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"form": res.Form, "version": res.Version, "period": res.Period, "type": res.Type,
		"cells": res.Cells, "tables": res.Tables, "valid": len(errs) == 0, "errors": inputControlErrors(errs, langOf(r))})
	return nil
}

// apiFilings: GET /api/v1/filings — the subject's own filings, every version, newest first.
func (s *Server) apiFilings(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	fs, err := s.db.Filings(r.Context(), acct.INN)
	if err != nil {
		return err
	}
	out := make([]filingView, 0, len(fs))
	for _, f := range fs {
		v, err := viewOfFiling(f, "/api/v1/filings/")
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"filings": out})
	return nil
}

// apiFiling: GET /api/v1/filings/{number} — one of the subject's filings as filed, with its cells.
func (s *Server) apiFiling(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	f, err := s.db.Filing(r.Context(), acct.INN, r.PathValue("number"))
	if err != nil {
		return err
	}
	v, err := viewOfFiling(f, "/api/v1/filings/")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// apiFilingReportPDF: GET /api/v1/filings/{number}/report.pdf — the report as filed,
// with the «ПРИНЯТО НАЛОГОВЫМ ОРГАНОМ» block (FIL-7).
func (s *Server) apiFilingReportPDF(w http.ResponseWriter, r *http.Request) error {
	return s.ownFilingPDF(w, r, "report")
}

// apiFilingReceiptPDF: GET /api/v1/filings/{number}/receipt.pdf — the receipt (FIL-7).
func (s *Server) apiFilingReceiptPDF(w http.ResponseWriter, r *http.Request) error {
	return s.ownFilingPDF(w, r, "receipt")
}

func (s *Server) ownFilingPDF(w http.ResponseWriter, r *http.Request, kind string) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	f, err := s.db.Filing(r.Context(), acct.INN, r.PathValue("number"))
	if err != nil {
		return err
	}
	return s.writeFilingPDF(w, r, f, kind)
}

// apiVerifyFiling: POST /api/v1/filings/verify {number, code} — public (FIL-7): what
// the receipt shows and the digest, never a cell value. Rate-limited per address like
// the registry look-up, so verification codes cannot be guessed.
func (s *Server) apiVerifyFiling(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Number string `json:"number"`
		Code   string `json:"code"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rc, err := s.verifyFiling(r, in.Number, in.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}

// verifyFiling is the public check of a receipt, rate-limited per client address
// (FIL-7; the pages' verification form uses it too). A wrong code answers 404
// filing_not_found exactly like an unknown number.
func (s *Server) verifyFiling(r *http.Request, number, code string) (kabinet.Receipt, error) {
	if len(number) > 64 || len(code) > 64 {
		return kabinet.Receipt{}, kabinet.Errorf(kabinet.KindNotFound, "filing_not_found", "no such filing")
	}
	pol, err := s.db.Policy(r.Context())
	if err != nil {
		return kabinet.Receipt{}, err
	}
	if err := s.db.Limit(r.Context(), "verify:"+clientAddress(r), pol.LookupsPerMinute, time.Minute); err != nil {
		return kabinet.Receipt{}, err
	}
	return s.db.VerifyFiling(r.Context(), number, code)
}

// apiSaveDraft: PUT /api/v1/filings/drafts/{form}/{period} — keep the typed input (any
// JSON, as the page or client has it) to resume later, on any device (FIL-2).
func (s *Server) apiSaveDraft(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, store.MaxFilingContent+1))
	if err != nil {
		return err
	}
	code, period := r.PathValue("form"), r.PathValue("period")
	if _, _, err := s.formPeriod(r.Context(), code, period); err != nil {
		return err
	}
	at, err := s.db.SaveDraft(r.Context(), acct.INN, code, period, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"form": code, "period": period, "updated_at": at})
	return nil
}

// apiDraft: GET /api/v1/filings/drafts/{form}/{period} — the saved draft, or 404 draft_not_found.
func (s *Server) apiDraft(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	d, err := s.db.Draft(r.Context(), acct.INN, r.PathValue("form"), r.PathValue("period"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiDeleteDraft: DELETE /api/v1/filings/drafts/{form}/{period} — 204, also when there was none.
func (s *Server) apiDeleteDraft(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	if err := s.db.DeleteDraft(r.Context(), acct.INN, r.PathValue("form"), r.PathValue("period")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiDrafts: GET /api/v1/filings/drafts — the subject's drafts, without their input.
func (s *Server) apiDrafts(w http.ResponseWriter, r *http.Request) error {
	_, acct, err := s.taxpayerSession(r, false)
	if err != nil {
		return err
	}
	ds, err := s.db.Drafts(r.Context(), acct.INN)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []store.FilingDraft{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"drafts": ds})
	return nil
}
