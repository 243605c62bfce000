package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"

	"github.com/redis/rueidis"
)

// script is a Lua script that touches exactly one key, KEYS[1], so that it
// runs on any Cluster node. It is sent by its SHA-1 and, when the server
// does not know it yet (a new or restarted server), by its text.
type script struct {
	src string
	sha string
}

// newScript returns the script of src.
func newScript(src string) *script {
	sum := sha1.Sum([]byte(src))
	return &script{src: src, sha: hex.EncodeToString(sum[:])}
}

// call is one command of a batch: a script on one key, or a plain command
// (script nil) that is sent once as it is. key is the key it touches; a
// plain command that writes names it too, for the WAIT that follows it
// (see [Store.write]).
type call struct {
	s    *script
	key  string
	args []string
	cmd  rueidis.Completed
}

// build returns the command that runs c, by SHA-1 or, with text, by text.
func (c call) build(r rueidis.Client, text bool) rueidis.Completed {
	if c.s == nil {
		return c.cmd
	}
	if text {
		return r.B().Eval().Script(c.s.src).Numkeys(1).Key(c.key).Arg(c.args...).Build()
	}
	return r.B().Evalsha().Sha1(c.s.sha).Numkeys(1).Key(c.key).Arg(c.args...).Build()
}

// run sends every call in one pipeline (one round trip; in a Cluster, one
// to each master concerned, in parallel) and returns their results in
// order. Scripts the server did not know are sent again by text, which
// costs a second round trip once per script and server.
func (s *Store) run(ctx context.Context, calls ...call) []rueidis.RedisResult {
	res, _ := s.exec(ctx, calls, false)
	return res
}

// exec is run, whose pipelines, with wait, are each followed by WAITs as
// [Store.write] describes; the error is then that of the WAITs.
func (s *Store) exec(ctx context.Context, calls []call, wait bool) ([]rueidis.RedisResult, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	cmds := make(rueidis.Commands, len(calls))
	for i, c := range calls {
		cmds[i] = c.build(s.c, false)
	}
	res, waitErr := s.send(ctx, calls, cmds, wait)
	var again []int
	for i, r := range res {
		if e, ok := rueidis.IsRedisErr(r.Error()); ok && e.IsNoScript() && calls[i].s != nil {
			again = append(again, i)
		}
	}
	if len(again) == 0 {
		return res, waitErr
	}
	retry := make([]call, len(again))
	cmds = cmds[:0]
	for j, i := range again {
		retry[j] = calls[i]
		cmds = append(cmds, calls[i].build(s.c, true))
	}
	res2, err := s.send(ctx, retry, cmds, wait)
	for j, r := range res2 {
		res[again[j]] = r
	}
	if waitErr == nil {
		waitErr = err
	}
	return res, waitErr
}

// run1 runs one call.
func (s *Store) run1(ctx context.Context, c call) rueidis.RedisResult {
	return s.run(ctx, c)[0]
}

// firstErr returns the first error among results.
func firstErr(res []rueidis.RedisResult) error {
	for _, r := range res {
		if err := r.Error(); err != nil && !rueidis.IsRedisNil(err) {
			return err
		}
	}
	return nil
}
