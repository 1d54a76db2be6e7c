// Package workloads holds the small kinds of load the engine (package
// engine) drives: put, range, txn (CAS and read/write), lease (with its
// expiry burst), mixed and the quota scenario. The larger kinds have
// packages of their own: workloads/k8s and workloads/watch.
package workloads
