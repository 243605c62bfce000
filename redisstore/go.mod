module github.com/sessiond/sessiond/redisstore

go 1.26.0

require (
	github.com/redis/rueidis v1.0.79
	github.com/sessiond/sessiond v0.1.0
)

require (
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/sessiond/sessiond => ../
