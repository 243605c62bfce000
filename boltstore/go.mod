module github.com/sessiond/sessiond/boltstore

go 1.26.0

replace github.com/sessiond/sessiond => ../

require (
	github.com/sessiond/sessiond v0.1.0
	go.etcd.io/bbolt v1.5.0
)

require (
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
