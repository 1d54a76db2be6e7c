package engine

import (
	"testing"
	"time"
)

func TestConstantPacerIntended(t *testing.T) {
	cases := []struct {
		rate float64
		i    uint64
		want time.Duration
	}{
		{1000, 0, 0},
		{1000, 1, time.Millisecond},
		{1000, 1500, 1500 * time.Millisecond},
		{3, 1, 333333333},
		{0.5, 1, 2 * time.Second},
		{20000, 20000, time.Second},
	}
	for _, c := range cases {
		if got := (ConstantPacer{Rate: c.rate}).Intended(c.i); got != c.want {
			t.Errorf("rate %v send %d: intended %v, want %v", c.rate, c.i, got, c.want)
		}
	}
}

func TestConstantPacerDue(t *testing.T) {
	cases := []struct {
		rate    float64
		elapsed time.Duration
		want    uint64
	}{
		{1000, -time.Millisecond, 0},
		{1000, 0, 1},
		{1000, 999 * time.Microsecond, 1},
		{1000, time.Millisecond, 2},
		{1000, time.Second, 1001},
		{3, time.Second, 4},
		{3, 999 * time.Millisecond, 3},
	}
	for _, c := range cases {
		if got := (ConstantPacer{Rate: c.rate}).Due(c.elapsed); got != c.want {
			t.Errorf("rate %v elapsed %v: due %d, want %d", c.rate, c.elapsed, got, c.want)
		}
	}
}

func TestConstantPacerWait(t *testing.T) {
	cases := []struct {
		rate    float64
		elapsed time.Duration
		sent    uint64
		want    time.Duration
	}{
		{1, time.Second, 0, 0},
		{1, 0, 1, time.Second},
		{1, 1500 * time.Millisecond, 2, 500 * time.Millisecond},
		{1000, 10 * time.Millisecond, 5, 0},
	}
	for _, c := range cases {
		if got := (ConstantPacer{Rate: c.rate}).Wait(c.elapsed, c.sent); got != c.want {
			t.Errorf("rate %v elapsed %v sent %d: wait %v, want %v", c.rate, c.elapsed, c.sent, got, c.want)
		}
	}
}

// The schedule never drifts: over many sends, the intended offsets stay
// exactly i/rate however long the run.
func TestConstantPacerNoDrift(t *testing.T) {
	p := ConstantPacer{Rate: 7}
	for _, i := range []uint64{7, 7000, 7_000_000} {
		want := time.Duration(i/7) * time.Second
		if got := p.Intended(i); got != want {
			t.Errorf("send %d: %v, want %v", i, got, want)
		}
	}
}

func BenchmarkConstantPacer(b *testing.B) {
	p := ConstantPacer{Rate: 20000}
	b.ReportAllocs()
	var sink time.Duration
	for i := 0; b.Loop(); i++ {
		sink += p.Wait(time.Duration(i)*40*time.Microsecond, uint64(i))
	}
	_ = sink
}
