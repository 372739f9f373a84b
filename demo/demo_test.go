package demo

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestGenerateRegistryDistinct(t *testing.T) {
	var b bytes.Buffer
	if err := GenerateRegistry(&b, 30000, 1); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 30001 {
		t.Fatalf("%d records", len(recs))
	}
	seen := map[string]bool{}
	for i, r := range recs[1:] {
		if seen[r[0]] {
			t.Fatalf("duplicate ИНН %s", r[0])
		}
		seen[r[0]] = true
		if r[0] != GeneratedINN(i) {
			t.Fatalf("GeneratedINN(%d) = %s, row has %s", i, GeneratedINN(i), r[0])
		}
	}
}
