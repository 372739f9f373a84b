package web

import "strings"

// ActorName names who made a change, for a history staff and taxpayers read (an
// application's status history, lists built from the audit log): a staff member by
// name (kabinet.Staff.Name; the login only when no name is recorded), the taxpayer
// and the system in words of the user's language. The stored actor ("staff:naryn",
// "public", "taxpayer:np…", "system", "cli") stays as it is in the audit log and
// the API, which programs read; an actor of no known kind is shown as stored.
// A page of the audit log names the same few staff on many rows: each is looked up once.
func (v *view) ActorName(actor string) string {
	kind, login, _ := strings.Cut(actor, ":")
	switch kind {
	case "staff":
		if name, ok := v.actors[actor]; ok {
			return name
		}
		name := login
		if st, err := v.s.db.StaffByLogin(v.ctx, login); err == nil && st.Name != "" {
			name = st.Name
		}
		if v.actors == nil {
			v.actors = map[string]string{}
		}
		v.actors[actor] = name
		return name
	case "public", "taxpayer", "system", "cli", "demo":
		return v.T("officer.actor." + kind)
	}
	return actor
}
