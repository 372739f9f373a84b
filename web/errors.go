package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"kabinet"
	"kabinet/i18n"
	"kabinet/password"
	"kabinet/store"
)

// statusOf maps an error kind to its HTTP status: the one place that does.
func statusOf(k kabinet.Kind) int {
	switch k {
	case kabinet.KindInvalid:
		return http.StatusBadRequest
	case kabinet.KindUnprocessable:
		return http.StatusUnprocessableEntity
	case kabinet.KindUnauthorized:
		return http.StatusUnauthorized
	case kabinet.KindForbidden:
		return http.StatusForbidden
	case kabinet.KindNotFound:
		return http.StatusNotFound
	case kabinet.KindConflict:
		return http.StatusConflict
	case kabinet.KindLocked:
		return http.StatusLocked
	case kabinet.KindTooMany:
		return http.StatusTooManyRequests
	case kabinet.KindUnavailable:
		return http.StatusServiceUnavailable
	case kabinet.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// domainError turns any error into a *kabinet.Error: known transport errors get
// their own codes; anything else is internal and its text is never shown.
func domainError(err error) *kabinet.Error {
	// A database outage is 503 with Retry-After on every path, whichever store method
	// met it: store.Fault is the one classification, applied here once more for the
	// reads that run outside a transaction.
	if e, ok := kabinet.AsError(store.Fault(err)); ok {
		if e.Kind == kabinet.KindUnavailable {
			if _, ok := e.Details["retry_after"]; !ok {
				e = e.With("retry_after", store.RetryAfter)
			}
		}
		return e
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return kabinet.Errorf(kabinet.KindTooLarge, "body_too_large", "request body larger than %d bytes", mbe.Limit)
	}
	if errors.Is(err, password.ErrBusy) {
		return kabinet.Errorf(kabinet.KindUnavailable, "busy", "the service is busy; retry shortly").With("retry_after", 2)
	}
	return &kabinet.Error{Kind: kabinet.KindInternal, Code: "internal", Message: "internal error"}
}

// answerError is what every error answer, page or API, starts with: the domain error
// and its status, an internal error's cause in the log (never to the user), and
// Retry-After when the error says when to try again.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, err error) (*kabinet.Error, int) {
	e := s.withOfficeName(r, domainError(err))
	status := statusOf(e.Kind)
	switch {
	case status == http.StatusInternalServerError:
		s.log.ErrorContext(r.Context(), "internal error", slog.String("request_id", requestID(r)), slog.String("error", err.Error()))
	case e.Code == "unavailable":
		// The domain error's message (store.Fault names the fault's class), not the
		// wrapped chain's text, which may carry what a caller put in its context.
		s.log.WarnContext(r.Context(), "database unavailable", slog.String("request_id", requestID(r)), slog.String("error", e.Message))
	}
	if ra, ok := e.Details["retry_after"].(int); ok {
		w.Header().Set("Retry-After", strconv.Itoa(ra))
	}
	return e, status
}

// errorBody is the API's error shape: {"error": {"code", "message", …details}}.
type errorBody struct {
	Error map[string]any `json:"error"`
}

// writeAPIError answers an API call with the error's status and stable code, the
// message in the client's language, and the error's details.
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	e, status := s.answerError(w, r, err)
	body := map[string]any{}
	for k, v := range e.Details {
		body[k] = v
	}
	body["code"] = e.Code
	body["message"] = s.errorText(langOf(r), e)
	writeJSON(w, status, errorBody{Error: body})
}

// errorText is the error's message in lang, from the catalog ("error.<code>").
func (s *Server) errorText(lang i18n.Lang, e *kabinet.Error) string {
	key := "error." + e.Code
	if !s.cat.Has(lang, key) {
		key = "error.internal"
		if statusOf(e.Kind) != http.StatusInternalServerError {
			key = "error.generic"
		}
	}
	return s.cat.T(lang, key, textPairs(e)...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// decodeJSON reads a JSON object body into v, refusing unknown fields, trailing
// data and bodies over the limit, with a clear error code for each.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "field %q has the wrong type", te.Field).With("field", te.Field)
		case errors.As(err, &se):
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "malformed JSON at byte %d", se.Offset)
		default:
			return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "the body must be one JSON object: %s", err.Error())
		}
	}
	if dec.More() {
		return kabinet.Errorf(kabinet.KindInvalid, "invalid_json", "the body must be one JSON object, found more data after it")
	}
	return nil
}
