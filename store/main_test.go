package store_test

import (
	"testing"

	"kabinet/internal/testsvc"
)

// The package's tests run at a lower priority than the browser journeys beside them.
func TestMain(m *testing.M) { testsvc.Main(m) }
