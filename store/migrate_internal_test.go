package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"kabinet/internal/dbtest"
)

// The migration runner splits at the semicolons that end statements, not at those
// inside a function body, a string or a comment (issue 12, point 7).
func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"two statements", "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", []string{"CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"}},
		{"no final semicolon", "SELECT 1;\nSELECT 2", []string{"SELECT 1", "SELECT 2"}},
		{"two on one line", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"a statement over lines", "CREATE TABLE a (\n  x INT,\n  y INT\n);", []string{"CREATE TABLE a (\n  x INT,\n  y INT\n)"}},
		{"line comments dropped", "-- a table; with a semicolon\nCREATE TABLE a (x INT); -- trailing; comment\n-- only a comment;\n",
			[]string{"CREATE TABLE a (x INT)"}},
		{"block comment, nested", "/* one; /* two; */ still; */ SELECT 1;", []string{"SELECT 1"}},
		{"semicolon in a string", "INSERT INTO t VALUES ('a;b', 'it''s; here');", []string{"INSERT INTO t VALUES ('a;b', 'it''s; here')"}},
		{"dashes in a string", "INSERT INTO t VALUES ('--not a comment;');", []string{"INSERT INTO t VALUES ('--not a comment;')"}},
		{"quoted identifier", `CREATE TABLE "odd;name" (x INT); SELECT 1;`, []string{`CREATE TABLE "odd;name" (x INT)`, "SELECT 1"}},
		{"dollar-quoted function body", "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'no; never';\n  RETURN NULL;\nEND;\n$$;\nSELECT 1;",
			[]string{"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RAISE EXCEPTION 'no; never';\n  RETURN NULL;\nEND;\n$$", "SELECT 1"}},
		{"tagged dollar quote with $$ inside", "DO $body$ BEGIN PERFORM '$$;'; END; $body$; SELECT 2;",
			[]string{"DO $body$ BEGIN PERFORM '$$;'; END; $body$", "SELECT 2"}},
		{"a parameter is no dollar quote", "SELECT $1; SELECT $2;", []string{"SELECT $1", "SELECT $2"}},
		{"SQLite trigger body", "CREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN\n  SELECT RAISE(ABORT, 'append-only; the end');\n  SELECT 1;\nEND;\nSELECT 3;",
			[]string{"CREATE TRIGGER t_no_update BEFORE UPDATE ON t BEGIN\n  SELECT RAISE(ABORT, 'append-only; the end');\n  SELECT 1;\nEND", "SELECT 3"}},
		{"PostgreSQL trigger has no body", "CREATE TRIGGER t BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f();\nSELECT 1;",
			[]string{"CREATE TRIGGER t BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", "SELECT 1"}},
		{"empty statements", ";;\n;  ;", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := splitStatements(tt.text); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("splitStatements(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// Engine-specific migrations: NNNN_x.postgres.sql runs only on PostgreSQL, NNNN_x.sqlite.sql
// only on SQLite; a number names one migration per engine.
func TestMigrationsPerEngine(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0001_both.sql":           {Data: []byte("SELECT 1;")},
		"m/0002_guard.postgres.sql": {Data: []byte("SELECT 2;")},
		"m/0002_guard.sqlite.sql":   {Data: []byte("SELECT 3;")},
		"m/0003_pg.postgres.sql":    {Data: []byte("SELECT 4;")},
		"m/README":                  {Data: []byte("not a migration")},
	}
	names := func(d dialect) []string {
		ms, err := migrationsIn(fsys, "m", d)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.name)
		}
		return out
	}
	if got, want := names(postgres), []string{"0001_both.sql", "0002_guard.postgres.sql", "0003_pg.postgres.sql"}; !reflect.DeepEqual(got, want) {
		t.Errorf("postgres: %q, want %q", got, want)
	}
	if got, want := names(sqlite), []string{"0001_both.sql", "0002_guard.sqlite.sql"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sqlite: %q, want %q", got, want)
	}
	fsys["m/0001_again.sql"] = &fstest.MapFile{Data: []byte("SELECT 5;")}
	if _, err := migrationsIn(fsys, "m", sqlite); err == nil || !strings.Contains(err.Error(), "share the number 1") {
		t.Errorf("two migrations numbered 1: %v", err)
	}
}

// The shipped migrations run on both engines, and a migration holding a function
// with semicolons in its body (a PostgreSQL trigger function; an SQLite trigger)
// runs through the same runner and works.
func TestMigrationWithFunctionBody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		db, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("shipped migrations: %v", err)
		}
		text := `-- a table whose rows may not change; guarded by a trigger
CREATE TABLE guarded (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE FUNCTION guarded_no_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- two statements; each ends with a semicolon
  PERFORM 1;
  RAISE EXCEPTION 'guarded: % refused; rows are append-only', TG_OP;
END;
$$;
CREATE TRIGGER guarded_no_change BEFORE UPDATE OR DELETE ON guarded
  FOR EACH ROW EXECUTE FUNCTION guarded_no_change();
INSERT INTO guarded (id, note) VALUES (1, 'one; with a semicolon');
`
		if db.dialect == sqlite {
			text = `-- a table whose rows may not change; guarded by a trigger
CREATE TABLE guarded (id INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TRIGGER guarded_no_change BEFORE UPDATE ON guarded
BEGIN
  SELECT 1;
  SELECT RAISE(ABORT, 'guarded: UPDATE refused; rows are append-only');
END;
INSERT INTO guarded (id, note) VALUES (1, 'one; with a semicolon');
`
		}
		applied, err := db.migrate(ctx, []migration{{version: 9001, name: "9001_guarded.sql", text: text}})
		if err != nil {
			t.Fatalf("a migration with a function body: %v", err)
		}
		if len(applied) != 1 {
			t.Fatalf("applied %q", applied)
		}
		var note string
		if err := db.sql.QueryRowContext(ctx, "SELECT note FROM guarded WHERE id = 1").Scan(&note); err != nil || note != "one; with a semicolon" {
			t.Fatalf("row: %q %v", note, err)
		}
		_, err = db.sql.ExecContext(ctx, "UPDATE guarded SET note = 'x' WHERE id = 1")
		if err == nil || !strings.Contains(err.Error(), "UPDATE refused; rows are append-only") {
			t.Errorf("the trigger did not refuse the update: %v", err)
		}
		// Run again: nothing left to apply.
		if applied, err := db.migrate(ctx, []migration{{version: 9001, name: "9001_guarded.sql", text: text}}); err != nil || len(applied) != 0 {
			t.Errorf("second run: %q %v", applied, err)
		}
	})
}
