// Package e2e tests sessiond end to end, over real HTTPS: the service as
// server.Build assembles it on each store (memory, bbolt, PostgreSQL and
// Redis when reachable), and the built sessiond binary itself for what
// only a process shows (restart, graceful shutdown, exit statuses, the
// environment, what the commands print and what the demo tells to try).
//
// The other tests need nothing but the Go toolchain; the PostgreSQL and Redis
// cases skip with the reason when their server does not answer
// (SESSIOND_TEST_POSTGRES and SESSIOND_TEST_REDIS point them elsewhere).
// The binary tests build sessiond once per run and skip under -short.
//
// The forward-auth tests put Debian's nginx and Caddy, configured with the
// very files of docs/forward-auth, in front of the demo (its login pages)
// and an app that echoes what it receives; they skip, saying why, when a
// proxy is not installed, except under CI (CI set), where they fail.
package e2e
