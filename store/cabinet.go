package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kabinet"
)

// SignInRecord is one sign-in attempt on an account (CAB-1).
type SignInRecord struct {
	At      time.Time `json:"at"`
	Address string    `json:"address"`
	// success, failure, lock, locked, annulled at the sign-in form; password_failure,
	// password_lock, password_locked on the change-password screen; confirm_failure,
	// confirm_lock, confirm_locked for a password that confirms an act (a report, a
	// VAT application, an annulment). "lock" set the lock; "locked" met it, unchecked.
	Outcome string `json:"outcome"`
}

// Notification is a message in the cabinet (CAB-1).
type Notification struct {
	ID     int64          `json:"id"`
	At     time.Time      `json:"at"`
	Kind   string         `json:"kind"` // decision, lock, password_changed, annulled
	Params map[string]any `json:"params"`
}

// CabinetHome is what the subject sees on signing in (CAB-1).
type CabinetHome struct {
	Account       kabinet.Account       `json:"account"`
	Taxpayer      kabinet.Taxpayer      `json:"taxpayer"`
	Office        kabinet.Office        `json:"office"`
	SignIns       []SignInRecord        `json:"sign_ins"`
	Notifications []Notification        `json:"notifications"`
	Applications  []kabinet.Application `json:"applications"`
}

// Cabinet gathers the subject's registry data, account, recent sign-ins, notifications
// and applications.
func (db *DB) Cabinet(ctx context.Context, acct kabinet.Account) (CabinetHome, error) {
	h := CabinetHome{Account: acct, SignIns: []SignInRecord{}, Notifications: []Notification{}, Applications: []kabinet.Application{}}
	var err error
	if h.Taxpayer, err = db.Taxpayer(ctx, acct.INN); err != nil {
		return h, err
	}
	h.Taxpayer.FraudReference = "" // internal to the tax service
	if h.Office, err = db.Office(ctx, h.Taxpayer.OfficeCode); err != nil {
		return h, err
	}
	rows, err := db.sql.QueryContext(ctx, "SELECT at, address, outcome FROM sign_ins WHERE account_id = $1 ORDER BY at DESC, id DESC LIMIT 10", acct.ID)
	if err != nil {
		return h, fmt.Errorf("store: sign-ins: %w", err)
	}
	for rows.Next() {
		var r SignInRecord
		var at int64
		if err := rows.Scan(&at, &r.Address, &r.Outcome); err != nil {
			rows.Close()
			return h, err
		}
		r.At = fromMS(at)
		h.SignIns = append(h.SignIns, r)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, "SELECT id, at, kind, params FROM notifications WHERE inn = $1 ORDER BY at DESC, id DESC LIMIT 20", acct.INN)
	if err != nil {
		return h, fmt.Errorf("store: notifications: %w", err)
	}
	for rows.Next() {
		var n Notification
		var at int64
		var params string
		if err := rows.Scan(&n.ID, &at, &n.Kind, &params); err != nil {
			rows.Close()
			return h, err
		}
		n.At = fromMS(at)
		json.Unmarshal([]byte(params), &n.Params)
		h.Notifications = append(h.Notifications, n)
	}
	rows.Close()
	rows, err = db.sql.QueryContext(ctx, "SELECT "+applicationColumns+" FROM applications WHERE inn = $1 ORDER BY filled_at DESC, id DESC LIMIT 20", acct.INN)
	if err != nil {
		return h, fmt.Errorf("store: applications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return h, err
		}
		a.PasswordHash = ""
		h.Applications = append(h.Applications, a)
	}
	return h, rows.Err()
}

const insertNotification = "INSERT INTO notifications (inn, at, kind, params) VALUES ($1, $2, $3, $4)"

// notify adds a notification to the subject's cabinet (CAB-1).
func (tx *Tx) notify(ctx context.Context, innValue, kind string, params map[string]any) error {
	b, err := jsonString(params)
	if err != nil {
		return err
	}
	_, err = tx.execOften(ctx, insertNotification, innValue, ms(tx.now), kind, b)
	if err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}
