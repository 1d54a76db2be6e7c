package runner

import "testing"

// bench --out and run --dir lay out repeated runs alike.
func TestRepeatPath(t *testing.T) {
	cases := []struct {
		path string
		i, n int
		want string
	}{
		{"r.json", 1, 1, "r.json"},
		{"r.json", 2, 3, "r-2.json"},
		{"out/r.json", 1, 2, "out/r-1.json"},
		{"etcdtune-report", 3, 3, "etcdtune-report-3"},
		{"reports/sizing/", 1, 2, "reports/sizing-1"},
		{"", 1, 2, ""},
	}
	for _, c := range cases {
		if got := RepeatPath(c.path, c.i, c.n); got != c.want {
			t.Errorf("RepeatPath(%q, %d, %d) = %q, want %q", c.path, c.i, c.n, got, c.want)
		}
	}
}
