package reports

// Probes holds the findings of the probes, each under its name as
// `etcdtune probe <name> -o json` prints it.
type Probes struct {
}
