package store

import (
	"context"
	"fmt"
	"time"

	"kabinet"
)

// BoardItem is an open application on the back office's board, with its deadline.
type BoardItem struct {
	Code            string                  `json:"code"`
	Kind            kabinet.ApplicationKind `json:"kind"`
	INN             string                  `json:"inn"`
	Name            string                  `json:"name"`
	OfficeCode      string                  `json:"office_code"`
	PassportFlagged bool                    `json:"passport_flagged"`
	ReceivedAt      time.Time               `json:"received_at"`
	DueAt           time.Time               `json:"due_at"`
	SecondsLeft     int64                   `json:"seconds_left"` // negative when overdue
	Overdue         bool                    `json:"overdue"`
	DueToday        bool                    `json:"due_today"` // annulments: the deadline falls today (ANN-2)
}

// DayStats counts one day's decisions and how many met the deadline (ACC-9).
type DayStats struct {
	Decisions int `json:"decisions"`
	OnTime    int `json:"on_time"`
	Late      int `json:"late"`
}

// Board is what an office has open, and how today went.
type Board struct {
	Now        time.Time   `json:"now"`
	Office     string      `json:"office,omitempty"` // empty: every office (supervisor)
	Access     []BoardItem `json:"access"`           // received access applications: 20-minute clock (Reg §14)
	Annulments []BoardItem `json:"annulments"`       // received annulments: two calendar days (Reg §20)
	Today      DayStats    `json:"today"`
}

// Board returns the open applications of the staff member's office (every office for
// a supervisor), soonest deadline first, and today's decisions.
func (db *DB) Board(ctx context.Context, s kabinet.Staff) (Board, error) {
	now := db.clock.Now()
	b := Board{Now: now, Access: []BoardItem{}, Annulments: []BoardItem{}}
	office := ""
	if s.Role != kabinet.RoleSupervisor {
		office = s.OfficeCode
	}
	b.Office = office
	rows, err := db.sql.QueryContext(ctx, `SELECT code, kind, inn, name, office_code, passport_flag, received_at, due_at
		FROM applications WHERE status = $2 AND ($1 = '' OR office_code = $1) ORDER BY due_at, id`, office, string(kabinet.StatusReceived))
	if err != nil {
		return b, fmt.Errorf("store: board: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it BoardItem
		var rec, due int64
		if err := rows.Scan(&it.Code, &it.Kind, &it.INN, &it.Name, &it.OfficeCode, &it.PassportFlagged, &rec, &due); err != nil {
			return b, err
		}
		it.ReceivedAt, it.DueAt = fromMS(rec), fromMS(due)
		it.SecondsLeft = int64(it.DueAt.Sub(now).Seconds())
		it.Overdue = kabinet.Late(it.DueAt, now)
		if it.Kind == kabinet.KindAnnulment {
			it.DueToday = kabinet.DueToday(it.DueAt, now)
			b.Annulments = append(b.Annulments, it)
		} else {
			b.Access = append(b.Access, it)
		}
	}
	if err := rows.Err(); err != nil {
		return b, err
	}
	today := kabinet.DateOf(now)
	dayStart, dayEnd := kabinet.EndOfDay(today.AddDays(-1)), kabinet.EndOfDay(today)
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN on_time THEN 1 ELSE 0 END), 0) FROM decisions
		WHERE decided_at > $1 AND decided_at <= $2 AND ($3 = '' OR office_code = $3)`, ms(dayStart), ms(dayEnd), office).
		Scan(&b.Today.Decisions, &b.Today.OnTime)
	if err != nil {
		return b, fmt.Errorf("store: board stats: %w", err)
	}
	b.Today.Late = b.Today.Decisions - b.Today.OnTime
	return b, nil
}

// DeadlineStats are service-wide figures for monitoring (ACC-9, ANN-2).
type DeadlineStats struct {
	OpenAccess        int
	OverdueAccess     int
	OpenAnnulments    int
	DueTodayAnnulment int
	OverdueAnnulments int
	Decisions         int
	DecisionsOnTime   int
}

// Deadlines counts open and overdue applications and decisions met on time. Whether
// one is overdue or due today is kabinet.Late and kabinet.DueToday, as on the board.
func (db *DB) Deadlines(ctx context.Context) (DeadlineStats, error) {
	var st DeadlineStats
	now := db.clock.Now()
	rows, err := db.sql.QueryContext(ctx, "SELECT kind, due_at FROM applications WHERE status = $1", string(kabinet.StatusReceived))
	if err != nil {
		return st, fmt.Errorf("store: deadlines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind kabinet.ApplicationKind
		var dueMS int64
		if err := rows.Scan(&kind, &dueMS); err != nil {
			return st, fmt.Errorf("store: deadlines: %w", err)
		}
		due, late := fromMS(dueMS), kabinet.Late(fromMS(dueMS), now)
		switch kind {
		case kabinet.KindAccess:
			st.OpenAccess++
			if late {
				st.OverdueAccess++
			}
		case kabinet.KindAnnulment:
			st.OpenAnnulments++
			if late {
				st.OverdueAnnulments++
			}
			if kabinet.DueToday(due, now) {
				st.DueTodayAnnulment++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: deadlines: %w", err)
	}
	err = db.sql.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN on_time THEN 1 ELSE 0 END), 0) FROM decisions`).
		Scan(&st.Decisions, &st.DecisionsOnTime)
	return st, err
}
