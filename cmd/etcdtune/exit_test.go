package main

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"

	"github.com/etcdtune/etcdtune/fault"
)

// TestExitCodesAsDocumented checks each fault kind against the README's
// "Exit codes" table: the code exitCode gives and the meaning the README
// states for it.
func TestExitCodesAsDocumented(t *testing.T) {
	documented := readmeExitCodes(t)
	base := errors.New("boom")
	cases := []struct {
		err     error
		code    int
		meaning string // in the README's row for code
	}{
		{nil, 0, "completed"},
		{base, 1, "failed"},
		{fault.Check(base), 1, "a check failed"},
		{fault.Input(base), 2, "bad input"},
		{fault.Target(base), 3, "cannot be reached or used"},
		{fmt.Errorf("prepare: %w", rpctypes.ErrPermissionDenied), 3, "auth"},
		{fmt.Errorf("wrapped: %w", fault.Input(base)), 2, "bad input"},
		{fault.Reported(fault.Check(base)), 1, "a check failed"},
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.code {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.code)
		}
		if !strings.Contains(documented[c.code], c.meaning) {
			t.Errorf("README: exit %d is %q, want it to say %q", c.code, documented[c.code], c.meaning)
		}
	}
	for k := fault.Failed; k <= fault.CheckFailed; k++ {
		if _, ok := exitCodes[k]; !ok {
			t.Errorf("kind %v has no exit code", k)
		}
	}
	if !strings.Contains(documented[exitInterrupted], "Ctrl-C") {
		t.Errorf("README: exit %d is %q, want Ctrl-C", exitInterrupted, documented[exitInterrupted])
	}
	if !isSilent(fault.Reported(base)) || isSilent(fault.Check(base)) {
		t.Error("only an error marked reported is silent")
	}
}

// readmeExitCodes reads the README's "Exit codes" table: code -> meaning.
func readmeExitCodes(t *testing.T) map[int]string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), "### Exit codes\n")
	if !ok {
		t.Fatal(`README has no "### Exit codes"`)
	}
	row := regexp.MustCompile(`(?m)^\| (\d+) \| (.*) \|$`)
	codes := map[int]string{}
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		code, _ := strconv.Atoi(m[1])
		if _, seen := codes[code]; !seen { // the first table only
			codes[code] = m[2]
		}
	}
	return codes
}
