package kabinet

import "time"

// The sign-in lock (PWD-3; Guide 3: «при вводе неверного пароля три раза подряд доступ
// блокируется на 20 минут»). Every password check — a sign-in, a password change, an
// annulment confirmed with the password — is counted per submitted login before the
// password is checked, as though it will fail:
//
//   - the attempt that reaches MaxFailures locks the login for LockDuration;
//   - while locked, attempts are still counted but check nothing, so even the right
//     password is refused, and the refusal says until when;
//   - the lock ends by itself, and the first attempt after it starts the count again
//     from one;
//   - a right password resets the count;
//   - an attempt whose password could not be checked (the service was busy) is given
//     back, with the lock it set, so a busy service counts toward nobody's lock.
//
// The store reserves an attempt in one SQL statement (atomic across instances); these
// functions are the same rule in Go, and a storage test plays one sequence through both.

// Attempts is the stored count of one login's attempts.
type Attempts struct {
	Failures    int       // attempts counted in the current run, including one in progress
	LockedUntil time.Time // the end of the lock; zero when none was set
}

// Reservation is one attempt, counted before its password is checked.
type Reservation struct {
	N           int       // the attempt's number in the current run of failures
	LockedUntil time.Time // the lock in force once it is counted; zero when none
	SetLock     bool      // this attempt set the lock (it did not find it in force)
}

// ReserveAttempt counts one attempt against a at now, as though it will fail (Guide 3),
// and returns the reservation and the attempts to store.
func ReserveAttempt(a Attempts, pol Policy, now time.Time) (Reservation, Attempts) {
	switch {
	case a.LockedUntil.After(now): // locked: counted, and the lock stays as it is
		next := Attempts{Failures: a.Failures + 1, LockedUntil: a.LockedUntil}
		return Reservation{N: next.Failures, LockedUntil: next.LockedUntil}, next
	case !a.LockedUntil.IsZero(): // the lock has ended: the count starts again
		a.Failures = 0
	}
	next := Attempts{Failures: a.Failures + 1}
	if next.Failures >= pol.MaxFailures {
		next.LockedUntil = now.Add(pol.LockDuration)
	}
	return Reservation{N: next.Failures, LockedUntil: next.LockedUntil, SetLock: !next.LockedUntil.IsZero()}, next
}

// MayCheck reports whether the reserved attempt may check the password: only attempts
// up to MaxFailures do; later ones meet the lock (PWD-3: «while locked even the right
// password is refused»).
func (r Reservation) MayCheck(pol Policy) bool { return r.N <= pol.MaxFailures }

// Locks reports whether the reserved attempt, if its password is wrong, leaves the
// login locked: it is the MaxFailures-th in a row, or a later one.
func (r Reservation) Locks(pol Policy) bool { return r.N >= pol.MaxFailures }

// AttemptsLeft is how many more wrong passwords the login takes before the lock,
// once the reserved attempt has failed.
func (r Reservation) AttemptsLeft(pol Policy) int { return max(pol.MaxFailures-r.N, 0) }

// FailureOutcome names a refused attempt for the sign-in history and the audit log:
// "locked" (refused unchecked), "lock" (the wrong password that locked), or "failure".
func (r Reservation) FailureOutcome(pol Policy) string {
	switch {
	case !r.MayCheck(pol):
		return "locked"
	case r.Locks(pol):
		return "lock"
	}
	return "failure"
}

// FailureError is the answer to a refused attempt: the lock with its end for an
// attempt that met or set it, else wrong credentials with the attempts left.
func (r Reservation) FailureError(pol Policy) *Error {
	if r.Locks(pol) {
		return LockedError(r.LockedUntil)
	}
	return InvalidCredentials().With("attempts_left", r.AttemptsLeft(pol))
}

// AttemptsAfterSuccess is what a right password leaves: no count, no lock (Guide 3).
func AttemptsAfterSuccess() Attempts { return Attempts{} }

// GiveBack returns the attempts after the reserved attempt r is given back unchecked
// (the service had no hashing slot for it): one attempt less, and the lock gone if r
// set it and no one has set another since.
func GiveBack(a Attempts, r Reservation) Attempts {
	next := Attempts{Failures: max(a.Failures-1, 0), LockedUntil: a.LockedUntil}
	if r.SetLock && a.LockedUntil.Equal(r.LockedUntil) {
		next.LockedUntil = time.Time{}
	}
	return next
}

// LockedError says the login is locked, and until when in UTC (locked_until) and in
// Bishkek time (locked_until_local): the Guide tells users of the lock, so we do.
func LockedError(until time.Time) *Error {
	local := until.In(Bishkek)
	return Errorf(KindLocked, "account_locked", "three wrong passwords in a row: the account is locked until %s",
		local.Format("15:04 02.01.2006")).
		With("locked_until", until.UTC().Format(time.RFC3339)).
		With("locked_until_local", local.Format("15:04"))
}

// InvalidCredentials is the one answer to a wrong login or a wrong password: which of
// the two was wrong is not said.
func InvalidCredentials() *Error {
	return Errorf(KindUnauthorized, "invalid_credentials", "wrong login or password")
}
