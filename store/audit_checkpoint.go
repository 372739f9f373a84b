package store

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Audit checkpoints (SEC-1). The hash chain shows an entry altered, removed or
// inserted before the head, but whoever can write to the database can also delete the
// newest entries and rewind the head: the shorter chain is intact. A checkpoint is
// the head (seq, hash) at a moment, signed with a key the database does not hold
// (HMAC-SHA256) and kept outside it; a database whose entry seq is missing or has
// another hash was truncated or rewritten after the checkpoint was taken.

// AuditCheckpoint is the audit log's head at a moment.
type AuditCheckpoint struct {
	Seq  int64
	Hash string
	At   time.Time
}

// MinCheckpointKey is the shortest key accepted for signing checkpoints (128 bits).
const MinCheckpointKey = 16

const checkpointPrefix = "kabinet-audit-checkpoint v1"

// AuditCheckpoint reads the audit log's current head.
func (db *DB) AuditCheckpoint(ctx context.Context) (AuditCheckpoint, error) {
	c := AuditCheckpoint{At: db.clock.Now().UTC()}
	if err := db.sql.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&c.Seq, &c.Hash); err != nil {
		return c, fmt.Errorf("store: read audit head: %w", err)
	}
	return c, nil
}

func checkKey(key []byte) error {
	if len(key) < MinCheckpointKey {
		return fmt.Errorf("store: the checkpoint key must have at least %d bytes, it has %d", MinCheckpointKey, len(key))
	}
	return nil
}

func checkpointBody(c AuditCheckpoint) string {
	return fmt.Sprintf("%s seq=%d hash=%s at=%s", checkpointPrefix, c.Seq, c.Hash, c.At.UTC().Format(time.RFC3339))
}

func checkpointMAC(key []byte, body string) string {
	m := hmac.New(sha256.New, key)
	io.WriteString(m, body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignCheckpoint renders c as one line (without the newline), signed with key.
func SignCheckpoint(key []byte, c AuditCheckpoint) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	body := checkpointBody(c)
	return body + " mac=" + checkpointMAC(key, body), nil
}

// ParseCheckpoint reads a line written by SignCheckpoint and checks its signature.
func ParseCheckpoint(key []byte, line string) (AuditCheckpoint, error) {
	var c AuditCheckpoint
	if err := checkKey(key); err != nil {
		return c, err
	}
	line = strings.TrimSpace(line)
	body, mac, ok := strings.Cut(line, " mac=")
	if !ok || !strings.HasPrefix(body, checkpointPrefix+" ") {
		return c, errors.New("not a checkpoint line")
	}
	want := checkpointMAC(key, body)
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return c, errors.New("the signature does not match (another key, or the line was altered)")
	}
	for _, f := range strings.Fields(strings.TrimPrefix(body, checkpointPrefix+" ")) {
		k, v, _ := strings.Cut(f, "=")
		var err error
		switch k {
		case "seq":
			c.Seq, err = strconv.ParseInt(v, 10, 64)
		case "hash":
			c.Hash = v
		case "at":
			c.At, err = time.Parse(time.RFC3339, v)
		}
		if err != nil {
			return c, fmt.Errorf("field %s: %w", k, err)
		}
	}
	if body != checkpointBody(c) {
		return c, errors.New("malformed checkpoint")
	}
	return c, nil
}

// ReadCheckpoints reads a file of checkpoint lines (blank lines and lines starting
// with # are skipped); any line that does not parse or whose signature fails is an
// error naming its line number.
func ReadCheckpoints(key []byte, r io.Reader) ([]AuditCheckpoint, error) {
	var out []AuditCheckpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c, err := ParseCheckpoint(key, line)
		if err != nil {
			return nil, fmt.Errorf("checkpoint line %d: %w", n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

// CheckAuditCheckpoints compares the log with checkpoints and returns what is wrong:
// an entry a checkpoint saw that the log no longer has (truncated), or one whose hash
// differs (rewritten). Together with VerifyAudit, an empty answer means the log up to
// the newest checkpoint is the one that was checkpointed.
func (db *DB) CheckAuditCheckpoints(ctx context.Context, cps []AuditCheckpoint) ([]string, error) {
	var breaks []string
	for _, c := range cps {
		if c.Seq == 0 {
			continue
		}
		at := c.At.UTC().Format(time.RFC3339)
		var hash string
		err := db.sql.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = $1", c.Seq).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			breaks = append(breaks, fmt.Sprintf("checkpoint of %s: entry %d is missing (entries removed from the end: the log was truncated)", at, c.Seq))
		case err != nil:
			return breaks, fmt.Errorf("store: read audit entry: %w", err)
		case hash != c.Hash:
			breaks = append(breaks, fmt.Sprintf("checkpoint of %s: entry %d differs from the checkpoint (the log was rewritten)", at, c.Seq))
		}
	}
	return breaks, nil
}
