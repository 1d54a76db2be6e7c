package engine

import "testing"

// The cleanup refuses any range that could hold a key outside the prefix.
func TestCleanupRangeUnderPrefix(t *testing.T) {
	cases := []struct {
		r  KeyRange
		ok bool
	}{
		{KeyRange{"/etcdtune/registry/", "/etcdtune/registry0"}, true},
		{KeyRange{"/etcdtune/registry/", "/etcdtune0"}, false},
		{KeyRange{"/etcdtune/", "/etcdtune0"}, false},
		{KeyRange{"/etcdtune/b", "/etcdtune/a"}, false},
		{KeyRange{"/registry/", "/registry0"}, false},
		{KeyRange{"/etcdtune/registry/", "\x00"}, false},
	}
	for _, c := range cases {
		if err := c.r.under("/etcdtune/"); (err == nil) != c.ok {
			t.Errorf("%q: err %v, want ok=%v", c.r, err, c.ok)
		}
	}
}
