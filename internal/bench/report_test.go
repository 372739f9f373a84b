package bench

import "testing"

// BENCH.md's sign-in target has three parts: the best level ≥ 0.90 of the hash rate,
// every level from 4 clients up ≥ 0.85, and 64 clients ≥ 0.85 × the best. A level of 4
// clients at 0.80 fails the second even when the others pass.
func TestLoginChecksEveryLevelFromFour(t *testing.T) {
	level := func(clients int, r float64) loginLevel {
		return loginLevel{rateFigures: rateFigures{Clients: clients}, Ratio: r}
	}
	for _, tc := range []struct {
		name   string
		levels []loginLevel
		failed int
	}{
		{"all hold", []loginLevel{level(1, 0.5), level(2, 0.95), level(4, 0.9), level(8, 0.93), level(64, 0.9)}, 0},
		{"4 clients low", []loginLevel{level(1, 0.5), level(2, 0.95), level(4, 0.8), level(8, 0.93), level(64, 0.9)}, 1},
		{"1 client low only", []loginLevel{level(1, 0.3), level(2, 0.92), level(4, 0.86), level(8, 0.91), level(64, 0.88)}, 0},
	} {
		r := &report{Hash: &hashFigures{PerSecond: 40}, Login: &loginFigures{Levels: tc.levels}}
		for _, lv := range tc.levels {
			if lv.Ratio > r.Login.BestRatio {
				r.Login.BestRatio, r.Login.BestClients = lv.Ratio, lv.Clients
			}
		}
		r.Login.Ratio64ToBest = ratio(tc.levels[len(tc.levels)-1].Ratio, r.Login.BestRatio)
		r.checks()
		seen := false
		for _, c := range r.Checks {
			if c.Name == "every level from 4 clients ÷ hashes/s" {
				seen = true
			}
		}
		if !seen || r.Failed != tc.failed {
			t.Errorf("%s: %d failed (want %d), every-level check present: %v; %+v", tc.name, r.Failed, tc.failed, seen, r.Checks)
		}
	}
}
