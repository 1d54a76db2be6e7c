# The etcdtune image: one static binary on a distroless base, run as a
# non-root user, no shell (nothing in it but /etcdtune and CA certificates).
#
#   docker build -t etcdtune:dev .
#
# deploy/kubernetes/etcdtune-agents-job.yaml names this tag. A release sets
# the version etcdtune reports: --build-arg VERSION=v1.2.3.
# cmd/etcdtune's tests build their binary with this file's `go build` line
# (flags and environment alike) and check that it is static.

FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X github.com/etcdtune/etcdtune/buildinfo.Version=${VERSION}" -o /out/etcdtune ./cmd/etcdtune

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/etcdtune /etcdtune
# distroless's nonroot user, by number, so that runAsNonRoot can check it.
USER 65532:65532
ENTRYPOINT ["/etcdtune"]
