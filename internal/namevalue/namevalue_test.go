package namevalue

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	got := Split(" a=1, ,b = x=y ,c,")
	want := []Item{
		{Text: "a=1", Name: "a", Value: "1", HasValue: true},
		{Text: "b = x=y", Name: "b", Value: " x=y", HasValue: true},
		{Text: "c", Name: "c"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if Split("") != nil || Split(" , ") != nil {
		t.Error("an empty list has no items")
	}
}
