package main

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

func TestMedianAndCount(t *testing.T) {
	runs := []runStats{{p99: 3}, {p99: 1}, {p99: 2}}
	if got := median(runs, func(r runStats) float64 { return r.p99 }); got != 2 {
		t.Errorf("median of 3 = %v, want 2", got)
	}
	if got := median(runs[:2], func(r runStats) float64 { return r.p99 }); got != 2 {
		t.Errorf("median of 2 = %v, want 2", got)
	}
	for n, want := range map[int64]string{100_000: "100k", 1_000_000: "1M", 20_000: "20k", 1234: "1234"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func Example_table() {
	t := newTable("tool", "req/s", "note")
	t.add("etcdtune", "4825", "within the 10% target")
	t.add("benchmark", "15073", "keeps every latency")
	t.print(os.Stdout)
	// Output:
	//   tool       req/s  note
	//   etcdtune    4825  within the 10% target
	//   benchmark  15073  keeps every latency
}

func Example_printError() {
	err := fmt.Errorf("client cost: %w", &childError{cmd: "benchmark --total 10", err: errors.New("exit status 1"),
		tail: "dial tcp 127.0.0.1:1: connect: connection refused"})
	printError(os.Stdout, err)
	// Output:
	// benchrun: client cost: benchmark --total 10: exit status 1
	//   | end of its stderr:
	//   | dial tcp 127.0.0.1:1: connect: connection refused
}
