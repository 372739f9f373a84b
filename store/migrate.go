package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	text    string
}

// migrations lists the embedded migrations that apply to engine d, in order.
func (d dialect) migrations() ([]migration, error) { return migrationsIn(migrationFS, "migrations", d) }

// migrationsIn reads the migrations in dir of fsys that apply to engine d. A file
// NNNN_name.sql applies to both engines; NNNN_name.postgres.sql or NNNN_name.sqlite.sql
// to that engine only (a PostgreSQL trigger, say). A version number names one
// migration per engine: two files of one number for the same engine are refused.
func migrationsIn(fsys fs.FS, dir string, d dialect) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %q: name must start with a number", e.Name())
		}
		base := strings.TrimSuffix(e.Name(), ".sql")
		switch {
		case strings.HasSuffix(base, ".postgres") && d != postgres, strings.HasSuffix(base, ".sqlite") && d != sqlite:
			continue
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("store: migrations %q and %q share the number %d", other, e.Name(), v)
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), text: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrationLockID is the PostgreSQL advisory lock that serialises migrations when
// several instances start at once on one database.
const migrationLockID = 7_310_455_760_356

// Migrate brings the schema up to date and seeds a fresh database with the tax
// offices. It is safe to run from several instances at once.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	all, err := db.dialect.migrations()
	if err != nil {
		return nil, err
	}
	return db.migrate(ctx, all)
}

// migrate applies the migrations of all not yet applied, each statement as the
// splitter finds it (splitStatements), in one transaction.
func (db *DB) migrate(ctx context.Context, all []migration) (applied []string, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		applied = applied[:0]
		if db.dialect == postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID); err != nil {
				return fmt.Errorf("store: migration lock: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("store: create schema_migrations: %w", err)
		}
		done := map[int]bool{}
		rows, err := tx.QueryContext(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			done[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		fresh := len(done) == 0
		for _, m := range all {
			if done[m.version] {
				continue
			}
			for _, stmt := range splitStatements(db.dialect.schema(m.text)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("store: migration %s: %w\n%s", m.name, err, stmt)
				}
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
				m.version, m.name, ms(tx.now)); err != nil {
				return err
			}
			applied = append(applied, m.name)
		}
		if err := tx.upgradeStoredPolicy(ctx); err != nil {
			return err
		}
		if fresh {
			if _, err := seedOffices(ctx, tx); err != nil {
				return fmt.Errorf("store: seed offices: %w", err)
			}
		}
		return nil
	})
	return applied, err
}

// splitStatements splits a migration into its statements at the semicolons that end
// them, as PostgreSQL's and SQLite's own parsers would: a semicolon inside a string
// ('…', a doubled quote inside), a quoted identifier ("…"), a dollar-quoted body ($$…$$ or
// $tag$…$tag$, a PL/pgSQL function's), a line comment (-- …) or a block comment
// (/* … */, nested as PostgreSQL nests them) ends nothing. Comments are dropped;
// a statement of nothing but white space is no statement. An unterminated string,
// quote or comment runs to the end of the text, and the database reports it.
//
// goose's parser was the other choice; it needs -- +goose StatementBegin marks
// around such bodies and its module raised modernc.org/sqlite past the pinned version.
func splitStatements(text string) []string {
	var out []string
	var cur, bare strings.Builder // bare: the statement outside strings, quotes and bodies
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
		bare.Reset()
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ';':
			if inTriggerBody(bare.String()) {
				cur.WriteByte(c)
			} else {
				flush()
			}
			i++
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				i = len(text)
			} else {
				i += end // the newline stays: it separates what it separated
			}
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			depth, j := 0, i
			for j < len(text) {
				if strings.HasPrefix(text[j:], "/*") {
					depth, j = depth+1, j+2
				} else if strings.HasPrefix(text[j:], "*/") {
					depth, j = depth-1, j+2
					if depth == 0 {
						break
					}
				} else {
					j++
				}
			}
			cur.WriteByte(' ')
			bare.WriteByte(' ')
			i = j
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(text) {
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c { // '' or "" inside
						j += 2
						continue
					}
					j++
					break
				}
				j++
			}
			if j > len(text) {
				j = len(text)
			}
			cur.WriteString(text[i:j])
			bare.WriteByte(' ')
			i = j
		case c == '$':
			if tag := dollarTag(text[i:]); tag != "" {
				end := strings.Index(text[i+len(tag):], tag)
				j := len(text)
				if end >= 0 {
					j = i + len(tag) + end + len(tag)
				}
				cur.WriteString(text[i:j])
				bare.WriteByte(' ')
				i = j
				continue
			}
			cur.WriteByte(c)
			bare.WriteByte(c)
			i++
		default:
			cur.WriteByte(c)
			bare.WriteByte(c)
			i++
		}
	}
	flush()
	return out
}

// inTriggerBody reports that a semicolon after the statement so far (its text outside
// strings, quotes and comments) ends a statement inside an SQLite trigger's
// BEGIN … END, not the CREATE TRIGGER itself.
func inTriggerBody(stmt string) bool {
	words := strings.FieldsFunc(strings.ToUpper(stmt), func(r rune) bool {
		return !(r == '_' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80)
	})
	if len(words) < 3 || words[0] != "CREATE" || !(words[1] == "TRIGGER" || words[2] == "TRIGGER") {
		return false
	}
	for _, w := range words {
		if w == "BEGIN" {
			return words[len(words)-1] != "END"
		}
	}
	return false
}

// dollarTag returns the dollar-quote opening s begins with ($$ or $tag$, the tag an
// identifier that does not begin with a digit), or "" when s begins with none ($1).
func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1]
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > 1:
		default:
			return ""
		}
	}
	return ""
}
