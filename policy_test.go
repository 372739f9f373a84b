package kabinet

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// PWD-6, issue 12 point 4: the stored policy's JSON names are stable snake_case tags;
// the old untagged names still read; an unknown name or an invalid value is refused,
// never read as the defaults.
func TestParsePolicy(t *testing.T) {
	p := DefaultPolicy()
	p.LockDuration, p.MaxFailures = 45*time.Minute, 5
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"password_min_length":8`, `"lock_duration_ns":2700000000000`, `"max_failures":5`, `"vat_days":2`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("stored form lacks %s: %s", name, b)
		}
	}
	if got, legacy, err := ParsePolicy(b); err != nil || legacy || got != p {
		t.Errorf("round trip: %+v legacy=%v %v", got, legacy, err)
	}
	// The form stored before the tags: the Go field names.
	old := `{"PasswordMinLength":10,"PasswordSpecials":"!@#","MaxFailures":4,"LockDuration":1800000000000,"InactivityMonths":6,` +
		`"DecisionDeadline":1200000000000,"AnnulmentDays":2,"SessionIdle":1800000000000,"SessionAbsolute":43200000000000,` +
		`"AddressFailuresPerHour":30,"LookupsPerMinute":30,"VATMaxQuantity":10000,"VATDays":2}`
	want := DefaultPolicy()
	want.PasswordMinLength, want.PasswordSpecials, want.MaxFailures, want.LockDuration = 10, "!@#", 4, 30*time.Minute
	if got, legacy, err := ParsePolicy([]byte(old)); err != nil || !legacy || got != want {
		t.Errorf("legacy form: %+v legacy=%v %v", got, legacy, err)
	}
	// A field a later release adds is absent from an older stored policy: its default.
	if got, _, err := ParsePolicy([]byte(`{"max_failures":4}`)); err != nil || got.MaxFailures != 4 || got.LockDuration != 20*time.Minute {
		t.Errorf("absent fields: %+v %v", got, err)
	}
	for name, text := range map[string]string{
		"a renamed field (unknown name)":      `{"max_failures":4,"lock_minutes":30}`,
		"a mix of old and new names":          `{"MaxFailures":4,"lock_duration_ns":1800000000000}`,
		"an unknown old-style name":           `{"MaxFailures":4,"LockMinutes":30}`,
		"does not validate":                   `{"max_failures":0}`,
		"a legacy one that does not validate": `{"PasswordMinLength":3}`,
		"not an object":                       `[1,2]`,
		"not JSON":                            `{"max_failures":`,
		"wrong type":                          `{"max_failures":"four"}`,
	} {
		if _, _, err := ParsePolicy([]byte(text)); ErrorCode(err) != "invalid_policy" {
			t.Errorf("%s: %v, want invalid_policy", name, err)
		}
	}
}
