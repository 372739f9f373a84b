package store_test

import (
	"os"
	"testing"

	"kabinet/internal/testsvc"
)

// TestMain runs the package's tests at a lower priority than the browser journeys
// beside them (testsvc.Yield).
func TestMain(m *testing.M) {
	testsvc.Yield()
	os.Exit(m.Run())
}
