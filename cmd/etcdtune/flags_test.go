package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/etcdtune/etcdtune/localetcd/etcdtest"
)

// bench quota on the embedded etcd: the alarm is reached and recovered
// from, and each step's time is in the result file.
func TestBenchQuotaEmbedded(t *testing.T) {
	r := etcdtune(t, nil, "bench", "quota", "--quota-backend-bytes", "4194304", "-o", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var res struct {
		Workloads []struct {
			EndReason string `json:"end_reason"`
			Quota     struct {
				FillS       float64            `json:"fill_s"`
				RecoveryS   float64            `json:"recovery_s"`
				DefragS     map[string]float64 `json:"defrag_s"`
				Alarms      []string
				PrefixEmpty bool `json:"prefix_empty"`
			} `json:"quota"`
		} `json:"workloads"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || len(res.Workloads) != 1 {
		t.Fatalf("result %v: %q", err, r.stdout)
	}
	q := res.Workloads[0].Quota
	if res.Workloads[0].EndReason != "completed" || len(q.Alarms) == 0 || q.FillS <= 0 || q.RecoveryS <= 0 || len(q.DefragS) != 1 || !q.PrefixEmpty {
		t.Errorf("result %+v", res.Workloads[0])
	}
}

// On a cluster given by --endpoints the guard is on and lets a clean run
// complete; --no-guard says loudly that it is off.
func TestGuardOnEndpoints(t *testing.T) {
	ep := etcdtest.Embedded(t).Endpoints()[0]
	args := []string{"bench", "put", "--endpoints", ep, "--duration", "2s", "--clients", "4", "--conns", "2", "-o", "json"}
	r := etcdtune(t, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, `"end_reason": "completed"`) || strings.Contains(r.stderr, "WARNING") {
		t.Fatalf("guarded clean run: exit %d, stderr %q", r.code, r.stderr)
	}
	r = etcdtune(t, nil, append(args, "--no-guard")...)
	if r.code != 0 || !strings.Contains(r.stderr, "WARNING: --no-guard") {
		t.Errorf("--no-guard: exit %d, stderr %q", r.code, r.stderr)
	}
	r = etcdtune(t, nil, append(args, "--max-rate", "50")...)
	if r.code != 0 || !strings.Contains(r.stdout, `"target_rate": 50`) {
		t.Errorf("--max-rate 50: exit %d, stderr %q", r.code, r.stderr)
	}
}
