module github.com/sessiond/sessiond/loadtest

go 1.26.0

replace github.com/sessiond/sessiond => ../

replace github.com/sessiond/sessiond/boltstore => ../boltstore

replace github.com/sessiond/sessiond/pgstore => ../pgstore

replace github.com/sessiond/sessiond/redisstore => ../redisstore

require (
	github.com/alexedwards/scs/pgxstore v0.0.0-20240316134038-7e11d57e8885
	github.com/alexedwards/scs/redisstore v0.0.0-20251002162104-209de6e426de
	github.com/alexedwards/scs/v2 v2.8.0
	github.com/gomodule/redigo v1.9.3
	github.com/jackc/pgx/v5 v5.12.0
	github.com/redis/rueidis v1.0.79
	github.com/sessiond/sessiond v0.1.0
	github.com/sessiond/sessiond/boltstore v0.1.0
	github.com/sessiond/sessiond/pgstore v0.1.0
	github.com/sessiond/sessiond/redisstore v0.1.0
	go.etcd.io/bbolt v1.5.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
