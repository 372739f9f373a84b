package kabinet_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"kabinet"
)

// SEC-5: SECURITY.md says where the regulation departs from NIST 800-63B / OWASP ASVS
// and why, and its numbers are the ones the code runs with. A default changed in code
// and not in the document fails here.
func TestSecurityDocument(t *testing.T) {
	b, err := os.ReadFile("SECURITY.md")
	if err != nil {
		t.Fatalf("SEC-5 SECURITY.md: %v", err)
	}
	doc := string(b)
	t.Run("SEC-5 each departure from NIST 800-63B with its compensating control", func(t *testing.T) {
		i := strings.Index(doc, "(SEC-5)")
		if i < 0 {
			t.Fatal("no SEC-5 section")
		}
		section := doc[i:]
		for _, want := range []string{"Composition rules", "Forced change after more than 6 months", "The lock message",
			"NIST", "compensating control"} {
			if !strings.Contains(section, want) {
				t.Errorf("the SEC-5 section does not mention %q", want)
			}
		}
	})
	t.Run("SEC-5 PWD-6 the numbers are the policy's defaults", func(t *testing.T) {
		p := kabinet.DefaultPolicy()
		rows := map[string]string{
			"failures before lock": fmt.Sprint(p.MaxFailures),
			"lock":                 fmt.Sprintf("%d minutes", int(p.LockDuration.Minutes())),
			"failed sign-ins per client address per hour":                      fmt.Sprint(p.AddressFailuresPerHour),
			"inactivity before a forced change":                                fmt.Sprintf("%d months", p.InactivityMonths),
			"session idle / absolute":                                          fmt.Sprintf("%d minutes / %d hours", int(p.SessionIdle.Minutes()), int(p.SessionAbsolute.Hours())),
			"registry look-ups / decision verifications per client per minute": fmt.Sprint(p.LookupsPerMinute),
		}
		for what, value := range rows {
			if row := "| " + what + " | " + value + " |"; !strings.Contains(doc, row) {
				t.Errorf("SECURITY.md lacks the row %q", row)
			}
		}
		if !strings.Contains(doc, "`"+p.PasswordSpecials+"`") {
			t.Errorf("SECURITY.md does not list the special characters %s", p.PasswordSpecials)
		}
	})
}
