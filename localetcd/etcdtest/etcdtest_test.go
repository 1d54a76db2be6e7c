package etcdtest

import (
	"testing"
)

func TestEmbedded(t *testing.T) {
	m := Embedded(t)
	cli := Client(t, m.Endpoints()...)
	if _, err := cli.Put(t.Context(), "/etcdtune/etcdtest", "ok"); err != nil {
		t.Fatalf("put: %v", err)
	}
}
