# etcdtune: build, test, bench.
GO ?= go
# The first test run builds the pinned etcd once (about 90 s on 2 cores);
# later runs reuse it from the cache (ETCDTUNE_CACHE_DIR, default ~/.cache/etcdtune).
TEST_TIMEOUT ?= 20m

.PHONY: build test test-short bench vet fuzz k8s-reference

build:
	$(GO) build -o bin/etcdtune ./cmd/etcdtune

test:
	@# The real Kubernetes control plane's build first, beside vet and before
	@# any test, when it is not cached (minutes), so that no package's tests
	@# wait for it within their timeout. Skipped with ETCDTUNE_SKIP_K8S=1.
	$(MAKE) -j2 vet k8s-reference
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	@# fio and the fsync probe must agree; timed on a quiet disk, so alone.
	ETCDTUNE_DISK_TEST=1 $(GO) test -count=1 -v -run '^TestProbeFsyncAgreesWithFio$$' ./cmd/etcdtune/
	@# compare's gate on the runs a CI job makes: 23 runs whose spread is measured, so alone.
	ETCDTUNE_GATE_TEST=1 $(GO) test -count=1 -v -run '^TestCompareGatesTheRunsACIJobMakes$$' ./cmd/etcdtune/
	@# bench k8s against the real control plane: what its controllers write depends on the load, so alone.
	ETCDTUNE_K8S_CALIBRATION=1 $(GO) test -count=1 -v -run '^TestBenchK8sProfileAgainstARealControlPlane$$' ./cmd/etcdtune/
	$(MAKE) fuzz

# A brief fuzzing of the parsers of user-given files and server text (their
# seeds in testdata/fuzz also run as plain tests in every go test).
FUZZ_TIME ?= 10s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZ_TIME) ./reports
	$(GO) test -run '^$$' -fuzz '^FuzzParseMetrics$$' -fuzztime $(FUZZ_TIME) ./probes
	$(GO) test -run '^$$' -fuzz '^FuzzCurrentFromFiles$$' -fuzztime $(FUZZ_TIME) ./advisor
	$(GO) test -run '^$$' -fuzz '^FuzzReadMixFile$$' -fuzztime $(FUZZ_TIME) ./workloads/k8s

# Skips the tests that need an etcd process (no 90 s build).
test-short:
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

# Go benchmarks of the engine's hot path, then whole-process runs: peak RSS
# and client CPU against an etcd process, and etcd's own benchmark tool at
# the same settings in the same run.
# BenchmarkEtcd* run one fixed workload against real etcd and report its
# figures (events/s, p99-ms, ...), hence -benchtime 1x.
bench:
	$(GO) test -run '^$$' -bench '^Benchmark[^E]' -benchmem ./...
	$(GO) test -run '^$$' -bench '^BenchmarkEtcd' -benchtime 1x -timeout 30m ./...
	$(GO) run ./internal/benchrun

# Builds the Kubernetes control plane of the tests (k8s/reference) into the
# cache, once: about 6 min on 2 quiet cores from an empty Go build cache.
k8s-reference:
	$(GO) test -count=1 -timeout 40m -run '^TestBuild$$' -v ./internal/k8stest/
