package redisstore

import (
	"context"
	"strings"

	"github.com/redis/rueidis"
)

// scanCount is the COUNT hint of DeleteAll's SCAN: keys looked at per call.
const scanCount = 1000

// DeleteAll removes every record under the store's prefix and reports how
// many there were; the audit stream stays. It is meant for incident
// response, not for a request path: it walks the whole keyspace of every
// master with SCAN (one round trip per 1,000 keys looked at, keys of other
// applications included) and deletes what it finds under the prefix in
// one pipeline per batch. Records created while it runs may survive it.
func (s *Store) DeleteAll(ctx context.Context) (int, error) {
	masters, err := s.masters(ctx)
	if err != nil {
		return 0, wrap("delete all", err)
	}
	n := 0
	for _, m := range masters {
		c, err := s.clearNode(ctx, m)
		n += c
		if err != nil {
			return n, wrap("delete all", err)
		}
	}
	return n, nil
}

// masters returns the nodes that hold keys: every node of a standalone
// client, the masters of a Cluster.
func (s *Store) masters(ctx context.Context) ([]rueidis.Client, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	nodes := s.c.Nodes()
	var out []rueidis.Client
	for _, n := range nodes {
		if len(nodes) == 1 {
			return []rueidis.Client{n}, nil
		}
		role, err := n.Do(ctx, n.B().Role().Build()).ToArray()
		if err != nil {
			return nil, err
		}
		if r, _ := role[0].ToString(); r == "master" {
			out = append(out, n)
		}
	}
	return out, nil
}

// clearNode deletes the store's keys held by node m and counts the homes
// among them.
func (s *Store) clearNode(ctx context.Context, m rueidis.Client) (int, error) {
	n := 0
	var cursor uint64
	for {
		next, c, err := s.clearBatch(ctx, m, cursor)
		n += c
		if err != nil || next == 0 {
			return n, err
		}
		cursor = next
	}
}

// clearBatch runs one SCAN on node m from cursor and clears the keys it
// returns, within Config.Timeout. It returns the next cursor (0 at the end)
// and the number of homes cleared.
func (s *Store) clearBatch(ctx context.Context, m rueidis.Client, cursor uint64) (uint64, int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	match := globEscape(s.cfg.Prefix) + "*"
	e, err := m.Do(ctx, m.B().Scan().Cursor(cursor).Match(match).Count(scanCount).Build()).AsScanEntry()
	if err != nil {
		return 0, 0, err
	}
	n, err := s.clearKeys(ctx, e.Elements)
	return e.Cursor, n, err
}

// clearKeys deletes the token, id and user keys and the list among names
// and counts the homes among them. Other keys under the prefix (the audit
// stream) stay.
func (s *Store) clearKeys(ctx context.Context, names []string) (int, error) {
	var calls []call
	for _, k := range names {
		switch rest := strings.TrimPrefix(k, s.cfg.Prefix); {
		case strings.HasPrefix(rest, "t:"):
			calls = append(calls, call{s: clearToken, key: k})
		case strings.HasPrefix(rest, "i:"), strings.HasPrefix(rest, "u:"), k == s.k.list():
			calls = append(calls, call{key: k, cmd: s.c.B().Unlink().Key(k).Build()})
		}
	}
	res, err := s.write(ctx, calls...)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, r := range res {
		if calls[i].s != nil {
			h, _ := r.AsInt64()
			n += int(h)
		}
	}
	return n, nil
}

// globEscape escapes the characters special to SCAN's MATCH.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
