package engine

import (
	"strings"
	"testing"
)

func TestKeySpecValidate(t *testing.T) {
	ok := KeySpec{Prefix: "/etcdtune/", Size: 8, Space: 1000, Dist: DistUniform}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid spec refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(*KeySpec)
		want   string
	}{
		{"empty prefix", func(s *KeySpec) { s.Prefix = "" }, "--prefix"},
		{"zero size", func(s *KeySpec) { s.Size = 0 }, "--key-size"},
		{"zero space", func(s *KeySpec) { s.Space = 0 }, "--key-space"},
		{"space past digits", func(s *KeySpec) { s.Size = 2; s.Space = 101 }, "--key-size 3"},
		{"unknown dist", func(s *KeySpec) { s.Dist = "pareto" }, "unknown --key-dist"},
		{"zipf s too small", func(s *KeySpec) { s.Dist = DistZipf; s.ZipfS = 1 }, "--zipf-s"},
		{"zipf s too large", func(s *KeySpec) { s.Dist = DistZipf; s.ZipfS = 11 }, "--zipf-s"},
		{"key over limit", func(s *KeySpec) { s.Size = MaxRequestBytes }, "1.5 MiB"},
	}
	for _, c := range cases {
		s := ok
		c.mutate(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %q", c.name, err, c.want)
		}
	}
}

func TestKeyBufferAndRange(t *testing.T) {
	s := KeySpec{Prefix: "/p/", Size: 4, Space: 10000}
	b := NewKeyBuffer(s)
	if got := string(b.Set(42)); got != "/p/0042" {
		t.Fatalf("key 42 = %q", got)
	}
	if got := string(b.Set(9999)); got != "/p/9999" {
		t.Fatalf("key 9999 = %q", got)
	}
	start, end := s.Range()
	for _, i := range []uint64{0, 1, 42, 9999} {
		k := s.Key(i)
		if k < start || k >= end {
			t.Errorf("key %q outside range [%q, %q)", k, start, end)
		}
	}
	if "/p/" >= start || "/p0" < end || "/p/a" < end {
		t.Errorf("range [%q, %q) holds keys not of the spec's shape", start, end)
	}
}

func TestKeyPickers(t *testing.T) {
	seq := NewKeyPickers(KeySpec{Space: 5, Dist: DistSeq})
	a, b := seq.Picker(0), seq.Picker(1)
	var got []uint64
	for i := 0; i < 6; i++ {
		if i%2 == 0 {
			got = append(got, a.Next())
		} else {
			got = append(got, b.Next())
		}
	}
	if want := []uint64{0, 1, 2, 3, 4, 0}; !equalU64(got, want) {
		t.Errorf("seq across workers = %v, want %v", got, want)
	}

	for _, dist := range []string{DistUniform, DistZipf} {
		p := NewKeyPickers(KeySpec{Space: 100, Dist: dist, ZipfS: 1.2, Seed: 7}).Picker(3)
		counts := make([]int, 100)
		for i := 0; i < 100000; i++ {
			k := p.Next()
			if k >= 100 {
				t.Fatalf("%s picked %d outside key space 100", dist, k)
			}
			counts[k]++
		}
		// Zipf makes key 0 far hotter than the median key; uniform does not.
		hot := float64(counts[0]) / float64(counts[50]+1)
		if dist == DistZipf && hot < 10 {
			t.Errorf("zipf: key 0 only %.1fx key 50", hot)
		}
		if dist == DistUniform && (hot > 1.5 || hot < 0.6) {
			t.Errorf("uniform: key 0 is %.1fx key 50", hot)
		}
	}
	one := NewKeyPickers(KeySpec{Space: 1, Dist: DistUniform}).Picker(0)
	if one.Next() != 0 {
		t.Error("key space 1 must always pick key 0")
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkKeyPick(b *testing.B) {
	p := NewKeyPickers(KeySpec{Prefix: "/etcdtune/", Size: 8, Space: 1_000_000, Dist: DistZipf, ZipfS: 1.1}).Picker(0)
	buf := NewKeyBuffer(KeySpec{Prefix: "/etcdtune/", Size: 8})
	b.ReportAllocs()
	for b.Loop() {
		buf.Set(p.Next())
	}
}
