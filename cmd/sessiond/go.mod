module github.com/sessiond/sessiond/cmd/sessiond

go 1.26.0

require github.com/sessiond/sessiond v0.0.0

replace github.com/sessiond/sessiond => ../../
