// Package e2e tests sessiond end to end, over real HTTPS: the service as
// server.Build assembles it on each store (memory, bbolt, PostgreSQL and
// Redis when reachable), and the built sessiond binary itself for what
// only a process shows (restart, graceful shutdown, exit statuses, the
// environment, what the commands print and what the demo tells to try).
//
// The tests need nothing but the Go toolchain; the PostgreSQL and Redis
// cases skip with the reason when their server does not answer
// (SESSIOND_TEST_POSTGRES and SESSIOND_TEST_REDIS point them elsewhere).
// The binary tests build sessiond once per run and skip under -short.
package e2e
