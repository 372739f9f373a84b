package kabinet

import "time"

// SessionEnd is the absolute end of a session begun at created (SEC-4: 12 hours by
// default, the policy's SessionAbsolute). It is fixed when the session begins, so a
// later change of the policy does not stretch or cut sessions already running.
func SessionEnd(created time.Time, pol Policy) time.Time {
	return created.Add(pol.SessionAbsolute)
}

// SessionExpired reports whether a session is over at now (SEC-4): it has reached
// its absolute end, or it has been idle — no request since lastSeen — for the policy's
// SessionIdle (30 minutes by default). Either instant itself is already too late.
func SessionExpired(end, lastSeen, now time.Time, pol Policy) bool {
	return !now.Before(end) || !now.Before(lastSeen.Add(pol.SessionIdle))
}

// MustChangePassword reports whether a taxpayer signing in at now must change the
// password before anything else (PWD-4; Guide 2: «если вы не заходили в систему более
// 6 месяцев»): more than the policy's InactivityMonths calendar months have passed
// since the last activity. Months are counted on the UTC calendar, as they always were.
func MustChangePassword(lastActivity, now time.Time, pol Policy) bool {
	return now.After(lastActivity.UTC().AddDate(0, pol.InactivityMonths, 0))
}

// PasswordChangeRequired is the refusal of anything but the password change to a
// session that must change its password (PWD-4): 403 password_change_required, with the
// policy's InactivityMonths as "months" for the message, which names the period.
func PasswordChangeRequired(pol Policy) *Error {
	return Errorf(KindForbidden, "password_change_required",
		"more than %d months without activity: change the password first (PWD-4)", pol.InactivityMonths).
		With("months", pol.InactivityMonths)
}
