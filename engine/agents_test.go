package engine_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/etcdtune/etcdtune/engine"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/internal/loadtest"
)

func TestAgentsSplit(t *testing.T) {
	cases := []struct {
		a       engine.Agents
		err     string
		rate    float64
		keyPref string
	}{
		{engine.Agents{}, "", 900, "/p/"},
		{engine.Agents{Count: 1}, "", 900, "/p/"},
		{engine.Agents{Count: 3, Index: 2}, "", 300, "/p/agent-2/"},
		{engine.Agents{Count: 3, Index: 3}, "--agent-index 3 is out of range: with --agents 3 it must be 0 to 2", 0, ""},
		{engine.Agents{Count: 3, Index: -1}, "--agent-index -1 is out of range: with --agents 3 it must be 0 to 2", 0, ""},
		{engine.Agents{Count: 0, Index: 1}, "--agent-index 1 needs --agents greater than it", 0, ""},
		{engine.Agents{Count: -2}, "--agents must not be negative, got -2", 0, ""},
	}
	for _, c := range cases {
		err := c.a.Validate()
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%+v: error %v, want %q", c.a, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%+v: %v", c.a, err)
		}
		if r := c.a.Rate(900); r != c.rate {
			t.Errorf("%+v: rate %v, want %v", c.a, r, c.rate)
		}
		if k := c.a.Keys(engine.KeySpec{Prefix: "/p/", Size: 8}); k.Prefix != c.keyPref {
			t.Errorf("%+v: prefix %q, want %q", c.a, k.Prefix, c.keyPref)
		}
	}
}

// TestAgentBarrier: three agents entering at different times leave the
// barrier together, the last entry releasing them, and leave no key.
func TestAgentBarrier(t *testing.T) {
	cs := loadtest.Embedded(t, 1)
	c := cs[0]
	prefix := engine.BarrierPrefix("/etcdtune-barrier-test/", 1)
	var wg sync.WaitGroup
	released := make([]time.Time, 3)
	barriers := make([]*engine.Barrier, 3)
	lastEntry := time.Now().Add(400 * time.Millisecond)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 200 * time.Millisecond)
			b, at, err := engine.WaitBarrier(t.Context(), c, prefix, engine.Agents{Count: 3, Index: i})
			if err != nil {
				t.Error(err)
				return
			}
			barriers[i], released[i] = b, at
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	lo, hi := released[0], released[0]
	for _, r := range released {
		if r.Before(lastEntry) {
			t.Errorf("an agent was released at %v, before the last agent entered (%v)", r, lastEntry)
		}
		lo, hi = minT(lo, r), maxT(hi, r)
	}
	if hi.Sub(lo) > 100*time.Millisecond {
		t.Errorf("released %v apart, want within 100 ms", hi.Sub(lo))
	}
	for _, b := range barriers {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	}
	if n := loadtest.CountPrefix(t, c, prefix); n != 0 {
		t.Errorf("%d barrier keys left after Close", n)
	}
	t.Logf("released within %v", hi.Sub(lo))
}

// A barrier key already there (a killed agent's, or another agent of the
// same index) is not overwritten: entering is refused, naming it and
// etcdtune cleanup, the key keeps its revision, and no lease is left.
func TestBarrierKeepsAKeyItDidNotPut(t *testing.T) {
	cs := loadtest.Embedded(t, 1)
	ctx := t.Context()
	prefix := engine.BarrierPrefix("/etcdtune/", 1)
	put, err := cs[0].Put(ctx, prefix+"0", "")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = engine.WaitBarrier(ctx, cs[0], prefix, engine.Agents{Count: 2, Index: 0})
	if !fault.Is(err, fault.BadInput) || !strings.Contains(err.Error(), prefix+"0") || !strings.Contains(err.Error(), "etcdtune cleanup") {
		t.Fatalf("want the barrier refused naming its key and etcdtune cleanup, got %v", err)
	}
	resp, err := cs[0].Get(ctx, prefix+"0")
	if err != nil || len(resp.Kvs) != 1 || resp.Kvs[0].ModRevision != put.Header.Revision {
		t.Errorf("the barrier key changed: %v %+v", err, resp)
	}
	loadtest.NoLeasesLeft(t, cs[0])
}
