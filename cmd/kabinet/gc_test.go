package main

import "testing"

func TestGCSettings(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	p, l := gcSettings(env(nil), 2, 19456)
	if p != gcPercent || l != 64<<20+3*2*19456<<10 {
		t.Fatalf("defaults: percent %d, limit %d", p, l)
	}
	if l >= 256<<20 {
		t.Fatalf("limit %d MiB: the flood's target is 256 MiB of RSS", l>>20)
	}
	if _, l8 := gcSettings(env(nil), 8, 19456); l8 <= l {
		t.Fatalf("8 slots' limit %d not above 2 slots' %d: the running hashes alone would pass it", l8, l)
	}
	if p, l := gcSettings(env(map[string]string{"GOGC": "100"}), 2, 19456); p != -1 || l <= 0 {
		t.Fatalf("GOGC set: percent %d (want left alone), limit %d", p, l)
	}
	if p, l := gcSettings(env(map[string]string{"GOMEMLIMIT": "1GiB"}), 2, 19456); p != gcPercent || l != -1 {
		t.Fatalf("GOMEMLIMIT set: percent %d, limit %d (want left alone)", p, l)
	}
}
