// Package result is the schema of etcdtune's result file
// (etcdtune.result/v1): every type a result holds, from the target and the
// probes' findings to the workloads, their latencies and histograms, and
// the advice with its verdicts; and the reading and writing of the file.
// The packages that measure (engine, the kinds, probes, etcdconn, advisor)
// fill these types; reports renders, compares and merges them. It imports
// no other etcdtune package but fault.
package result
