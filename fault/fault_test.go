package fault

import (
	"errors"
	"fmt"
	"testing"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
)

func TestKindOfTheOutermostMark(t *testing.T) {
	base := errors.New("boom")
	cases := []struct {
		err  error
		want Kind
	}{
		{base, Failed},
		{Input(base), BadInput},
		{fmt.Errorf("ctx: %w", Target(base)), Unusable},
		{Check(Input(base)), CheckFailed},
		{fmt.Errorf("prepare: %w", rpctypes.ErrPermissionDenied), Unusable},
		{Input(rpctypes.ErrPermissionDenied), BadInput},
		{Reported(Check(base)), CheckFailed},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if Input(nil) != nil || Reported(nil) != nil {
		t.Error("a nil error must stay nil")
	}
	if !IsReported(fmt.Errorf("x: %w", Reported(base))) || IsReported(Check(base)) {
		t.Error("IsReported is wrong")
	}
	if got := Inputf("--rate %d", 3).Error(); got != "--rate 3" {
		t.Errorf("message changed: %q", got)
	}
}
