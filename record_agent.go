package sessiond

import (
	"hash/maphash"
	"strings"
	"sync/atomic"
)

// The kinds of User-Agent in format 3: a User-Agent of at most
// maxWordedAgent ASCII characters is kept in words, anything else as text.
const (
	agentText   = 0
	agentWorded = 1
)

// maxWordedAgent is the longest User-Agent kept in words: the longest the
// Manager keeps. Decoding refuses words that spell a longer one, so that a
// few bytes cannot ask for a large string.
const maxWordedAgent = maxUserAgent

// agentWords are the pieces that browsers' and common clients'
// User-Agent headers are made of. In a worded User-Agent, a byte below
// 0x80 stands for itself and byte 0x80+i for agentWords[i]. Records of
// format 3 are written with this list: it may only grow, up to 128 words,
// and no word may change.
var agentWords = [...]string{
	"Mozilla/5.0 (",
	"Windows NT 10.0; Win64; x64",
	") AppleWebKit/537.36 (KHTML, like Gecko) ",
	"Chrome/",
	".0.0.0",
	" Safari/537.36",
	"Macintosh; Intel Mac OS X 10_15_7",
	"X11; Linux x86_64",
	"Linux; Android ",
	"; K",
	" Mobile",
	") AppleWebKit/605.1.15 (KHTML, like Gecko) ",
	"Version/",
	" Safari/605.1.15",
	" Mobile/15E148",
	" Safari/604.1",
	"iPhone; CPU iPhone OS ",
	" like Mac OS X",
	"iPad; CPU OS ",
	"; rv:",
	") Gecko/20100101 Firefox/",
	" Edg/",
	" OPR/",
	"SamsungBrowser/",
	"Windows NT 10.0; WOW64",
	"Windows NT 6.1",
	"X11; Ubuntu; Linux x86_64",
	"CriOS/",
	"FxiOS/",
	"EdgiOS/",
	"Firefox/",
	"Gecko/",
	"(KHTML, like Gecko)",
	"AppleWebKit/",
	"Safari/",
	"Mozilla/5.0",
	"compatible; ",
	"Googlebot/2.1; +http://www.google.com/bot.html)",
	"bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	"curl/",
	"Go-http-client/",
	"python-requests/",
	"okhttp/",
	"Macintosh; Intel Mac OS X ",
	"Windows NT ",
	"Win64; x64",
	"Mobile Safari/537.36",
	"Linux",
	"Android",
	"Windows",
	"Macintosh",
	"iPhone",
	"Build/",
	"wv) ",
	"Mobile/",
	"Version/4.0 ",
	"Chrome/1",
	"Firefox/1",
	"Version/1",
	".0 ",
	".0.",
	".0",
	"HeadlessChrome/",
	"Electron/",
	"YaBrowser/",
	"Vivaldi/",
	"Brave",
	"Trident/7.0; rv:11.0) like Gecko",
	"Dalvik/2.1.0 (",
	"node-fetch",
	"axios/",
	"PostmanRuntime/",
	"Java/",
	"Apache-HttpClient/",
	"Wget/",
	"libwww-perl/",
	"Ruby",
	"; ",
	") ",
	" (",
}

// agentWordsFrom lists, for each ASCII byte, the indexes of the words that
// start with it, longest first, for the encoder's longest match.
var agentWordsFrom = func() (from [0x80][]uint8) {
	for i, w := range agentWords {
		from[w[0]] = append(from[w[0]], uint8(i))
	}
	for _, idx := range from {
		for i := 1; i < len(idx); i++ { // few words share a first byte
			for j := i; j > 0 && len(agentWords[idx[j]]) > len(agentWords[idx[j-1]]); j-- {
				idx[j], idx[j-1] = idx[j-1], idx[j]
			}
		}
	}
	return from
}()

// appendAgent encodes the User-Agent s: a kind byte, then s in words or,
// for one that is long or not ASCII, as text.
func appendAgent(b []byte, s string) []byte {
	if len(s) > maxWordedAgent || !isASCII(s) {
		return appendString(append(b, agentText), s)
	}
	var words [maxWordedAgent]byte
	w := words[:0]
	for i := 0; i < len(s); {
		n := 1
		c := s[i]
		for _, idx := range agentWordsFrom[c] {
			if strings.HasPrefix(s[i:], agentWords[idx]) {
				n, c = len(agentWords[idx]), 0x80+idx
				break
			}
		}
		w = append(w, c)
		i += n
	}
	return appendString(append(b, agentWorded), string(w))
}

// isASCII reports whether every byte of s is below 0x80.
func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// agent decodes what appendAgent encoded.
func (d *decoder) agent() string {
	kind := d.byte()
	s := d.string()
	switch {
	case kind == agentText:
		return s
	case kind != agentWorded:
		d.err = true
		return ""
	}
	n := 0
	for i := range len(s) {
		switch c := s[i]; {
		case c < 0x80:
			n++
		case int(c-0x80) < len(agentWords):
			n += len(agentWords[c-0x80])
		default:
			n = maxWordedAgent + 1
		}
	}
	if n > maxWordedAgent {
		d.err = true
		return ""
	}
	slot := &agentCache[maphash.String(agentSeed, s)%uint64(len(agentCache))]
	if c := slot.Load(); c != nil && c.words == s {
		return c.text
	}
	var b strings.Builder
	b.Grow(n)
	for i := range len(s) {
		if c := s[i]; c < 0x80 {
			b.WriteByte(c)
		} else {
			b.WriteString(agentWords[c-0x80])
		}
	}
	slot.Store(&cachedAgent{words: strings.Clone(s), text: b.String()})
	return b.String()
}

// agentCache keeps User-Agents decoded lately, each in the slot its words
// hash to, so that the records of one browser share one string rather than
// each spelling out its own; a miss replaces the slot's.
var (
	agentCache [256]atomic.Pointer[cachedAgent]
	agentSeed  = maphash.MakeSeed()
)

// cachedAgent is a User-Agent and its words.
type cachedAgent struct{ words, text string }
