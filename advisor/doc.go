// Package advisor turns measured figures into etcd and kube-apiserver
// settings. Each rule is a pure function of the Findings; each piece of
// advice names the measured figure that drove it, the rule, and the
// source the rule rests on. A rule whose figure was not measured says so
// ("not measured") instead of guessing.
package advisor
