package result

// Actions of a piece of advice.
const (
	ActionSet         = "set"          // change the setting to Value
	ActionKeep        = "keep"         // the current value is right
	ActionWarn        = "warn"         // a problem no setting fixes, or a verdict that failed
	ActionNotMeasured = "not_measured" // the figure the rule needs was not measured
)

// Scopes say where a setting lives.
const (
	ScopeEtcd       = "etcd"
	ScopeAPIServer  = "kube-apiserver"
	ScopeOperations = "operations" // what to do, not a flag: defragment, back up
	ScopeVerdict    = "verdict"    // pass, warn or fail for an area
)

// Advice is one recommendation, with the figure and rule behind it.
type Advice struct {
	Setting  string             `json:"setting"`
	Scope    string             `json:"scope"`
	Value    string             `json:"value"`
	Current  string             `json:"current,omitempty"`
	Action   string             `json:"action"`
	Reason   string             `json:"reason"`
	Rule     string             `json:"rule"`
	Source   string             `json:"source"`
	Evidence map[string]float64 `json:"evidence,omitempty"`
}
