package throttle

import (
	"crypto/sha256"
	"net/http"

	"github.com/sessiond/sessiond/internal/clientip"
)

// digest names an account, a client address or a device in the tables.
// Names are hashed so that every entry has the same small size however
// long the name, and no account name is kept in memory; 128 bits of
// SHA-256 make a collision out of reach.
type digest [16]byte

// pairKey names one client's attempts at one account.
type pairKey struct{ account, client digest }

// Prefixes that keep the digests of different kinds of names apart.
const (
	kindAccount = 'a'
	kindAddress = 'i'
	kindDevice  = 'd'
)

// digestOf hashes a name of the given kind.
func digestOf(kind byte, name string) digest {
	var buf [64]byte // on the stack, for names of usual length
	sum := sha256.Sum256(append(append(buf[:0], kind), name...))
	return digest(sum[:len(digest{})])
}

// keys are the table keys of one attempt.
type keys struct {
	account digest
	address digest
	// pair counts this client's consecutive failures for the account: by
	// device when the browser has signed in to the account before, so
	// that nobody else can push it into backoff, else by address.
	pair   pairKey
	device deviceCookie // the request's, if well-formed
	known  bool         // device vouches for the account
}

// keys computes the keys of an attempt at account from clientIP with r.
func (t *Throttle) keys(account, clientIP string, r *http.Request) keys {
	k := keys{account: digestOf(kindAccount, account), address: digestOf(kindAddress, clientip.Key(clientIP))}
	k.pair = pairKey{k.account, k.address}
	k.device, _ = readDevice(r)
	if k.device.tags != nil && t.has(k.device, account) {
		k.known = true
		k.pair.client = digestOf(kindDevice, string(k.device.id[:]))
	}
	return k
}
