// Package kabinet is the domain of the Taxpayer Cabinet (ИС «Кабинет налогоплательщика»)
// of the Kyrgyz State Tax Service: its types, the rules of the law that decide on them,
// the one error type every layer speaks, and the clock.
//
// Each rule is a pure function in a file named for it, citing its clause: the sign-in
// lock (signin_lock.go), deadlines (deadline.go), the application's states
// (application_state.go), session expiry and the forced password change
// (session_rule.go). The package imports neither the database nor HTTP. Storage
// (package store) loads the facts, calls these rules and writes their outcome in one
// transaction; the web layer (package web) calls the store's methods directly. There
// are no service interfaces here: an interface, when one is needed, is declared small
// where it is used (store.Hasher is one).
package kabinet

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Kind classifies an error for the transport layer; each kind maps to one HTTP status.
type Kind int

const (
	KindInternal      Kind = iota // 500: a fault of ours, never of the input
	KindInvalid                   // 400: malformed input
	KindUnprocessable             // 422: well-formed input that breaks a rule
	KindUnauthorized              // 401: not signed in, or wrong credentials
	KindForbidden                 // 403: signed in, but not allowed here
	KindNotFound                  // 404
	KindConflict                  // 409: the state does not allow it
	KindLocked                    // 423: the account is locked (PWD-3)
	KindTooMany                   // 429: rate-limited (SEC-2, PWD-3)
	KindUnavailable               // 503: overloaded or a dependency is down; retry later
	KindTooLarge                  // 413: request body too large
)

// Error is a domain error with a stable machine code (the API's error.code) and a
// message in English for logs and developers. Pages and API answers show the
// catalog's text for "error.<Code>" in the user's language instead.
type Error struct {
	Kind    Kind
	Code    string         // stable, snake_case: "invalid_inn", "account_locked"…
	Message string         // English, for logs
	Details map[string]any // extra facts for the client: failed rules, locked_until…
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error of the given kind and code.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// With returns a copy of e with the detail key set.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Details = make(map[string]any, len(e.Details)+1)
	for k, v := range e.Details {
		c.Details[k] = v
	}
	c.Details[key] = value
	return &c
}

// ErrorCode returns the code of the first *Error in err's chain, or "internal".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "internal"
}

// ErrorKind returns the kind of the first *Error in err's chain, or KindInternal.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns the first *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Clock tells the time. Time is a dependency: tests inject a ManualClock so that
// 20-minute locks, 20-minute deadlines and 6-month inactivity run without waiting.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a clock that moves only when told. Safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock stopped at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Bishkek is the service's civil time zone (UTC+6, no daylight saving since 2005),
// used for dates printed on paper (field 300, decision dates) and calendar-day deadlines.
var Bishkek = time.FixedZone("Asia/Bishkek", 6*60*60)
