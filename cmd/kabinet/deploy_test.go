package main

import (
	"bufio"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
)

// The deployment examples hold what the guide promises: a sandboxed unit that serves
// without migrating, and settings that `kabinet serve` understands (issue 12, point 11).
func TestDeployExamples(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/kabinet.service")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, line := range strings.Split(string(unit), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok && !strings.HasPrefix(k, "#") {
			have[k] = v
		}
	}
	for k, want := range map[string]string{
		"DynamicUser": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes", "NoNewPrivileges": "yes",
		"CapabilityBoundingSet": "", "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX", "ProtectHome": "yes",
		"EnvironmentFile": "/etc/kabinet/kabinet.env", "ExecStart": "/usr/local/bin/kabinet serve --no-migrate",
	} {
		if got, ok := have[k]; !ok || got != want {
			t.Errorf("kabinet.service: %s=%q, want %q", k, got, want)
		}
	}
	if have["MemoryMax"] == "" {
		t.Error("kabinet.service: no MemoryMax")
	}
	// The hashes lower their own threads' priority (password/thread_linux.go): the
	// filter that denies @resources must give setpriority back after it.
	var filters []string
	for _, line := range strings.Split(string(unit), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "SystemCallFilter="); ok {
			filters = append(filters, v)
		}
	}
	deny := slices.IndexFunc(filters, func(f string) bool { return strings.HasPrefix(f, "~") && strings.Contains(f, "@resources") })
	allow := slices.Index(filters, "setpriority")
	if deny >= 0 && allow < deny {
		t.Errorf("kabinet.service: SystemCallFilter %q denies @resources without giving setpriority back after it", filters)
	}

	env, err := os.Open("../../deploy/kabinet.env.example")
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var f serverFlags
	fs := newFlags("serve", io.Discard)
	f.register(fs, "127.0.0.1:8080")
	sc := bufio.NewScanner(env)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		name := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "KABINET_"), "_", "-"))
		fl := fs.Lookup(name)
		if !strings.HasPrefix(k, "KABINET_") || fl == nil {
			t.Errorf("kabinet.env.example: %s is no setting of kabinet serve", k)
			continue
		}
		if err := fl.Value.Set(v); err != nil {
			t.Errorf("kabinet.env.example: %s=%s: %v", k, v, err)
		}
		n++
	}
	if n < 6 {
		t.Errorf("kabinet.env.example: only %d settings", n)
	}
}
