// Package namevalue splits the name=value lists that flags take
// (--current heartbeat-interval=100,election-timeout=1000,
// --max-regression p99=10%,throughput=5%): items separated by commas, the
// space around each ignored, empty items skipped. What a name or a value
// may be is the caller's to check, with its own words.
package namevalue

import "strings"

// Item is one item of a list.
type Item struct {
	Text     string // the item as given, without the space around it
	Name     string // before the first "=", without the space around it
	Value    string // after the first "=", as given
	HasValue bool   // whether the item has an "=" at all
}

// Split cuts s into its items.
func Split(s string) []Item {
	var items []Item
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		items = append(items, Item{Text: part, Name: strings.TrimSpace(name), Value: value, HasValue: ok})
	}
	return items
}
