package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEvents(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"events", "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var doc struct {
		Events []struct {
			Name  string `json:"name"`
			Level string `json:"level"`
		} `json:"events"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Events) < 20 || doc.Events[0].Name != "codex.thread.start" || doc.Events[0].Level != "INFO" {
		t.Errorf("unexpected catalog JSON: %d events, first %+v", len(doc.Events), doc.Events[0])
	}
	out.Reset()
	if code := run([]string{"events"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "# Event catalog") {
		t.Errorf("markdown: exit %d, output starts %q", code, out.String()[:min(40, out.Len())])
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage: codextel events"},
		{[]string{"nope"}, `unknown command "nope"`},
		{[]string{"events", "--yaml"}, "flag provided but not defined: -yaml"},
		{[]string{"events", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := run(tt.args, &out, &errOut)
		if code != 2 || !strings.Contains(errOut.String(), tt.want) || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and one line containing %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}
