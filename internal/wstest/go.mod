module github.com/sessiond/sessiond/internal/wstest

go 1.26.0

replace github.com/sessiond/sessiond => ../..

require (
	github.com/coder/websocket v1.8.15
	github.com/sessiond/sessiond v0.1.0
)

require (
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
