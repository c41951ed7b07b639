// Package clients holds genlgen's Go clients for the families the data
// parity needs beyond internal/families (tcp_metrics, mptcp_pm). Regenerate
// them with go generate.
package clients

//go:generate go run ../../cmd/genlgen -go . ../../../shared/ynl-7.3/specs/tcp_metrics.yaml ../../../shared/ynl-7.3/specs/mptcp_pm.yaml
