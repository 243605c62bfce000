package browser

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// patternScript checks the sign-up form's username pattern as Chromium
// does, compiled with the v flag (a pattern that does not compile is
// ignored, and the browser checks nothing): it answers what is wrong, or
// "".
const patternScript = `(() => {
	const input = document.querySelector('form[action="/signup"] input[name="username"]');
	try {
		new RegExp('^(?:' + input.pattern + ')$', 'v');
	} catch (e) {
		return 'the pattern ' + input.pattern + ' does not compile with the v flag: ' + e.message;
	}
	const refused = ['al ice', 'al!ce', 'a/b', 'ålice'].filter(v => { input.value = v; return !input.validity.patternMismatch; });
	const accepted = ['alice', 'a.b-c_d', 'A1-'].filter(v => { input.value = v; return input.validity.patternMismatch; });
	input.value = '';
	if (refused.length || accepted.length) return 'the browser lets through ' + refused + ' and refuses ' + accepted;
	return '';
})()`

// TestBrowser_SignupPatternChecked: Chromium checks the username against
// the sign-up form's pattern before sending it.
func TestBrowser_SignupPatternChecked(t *testing.T) {
	srv := startServer(t, nil)
	a := &tab{t: t, name: "browser", ctx: startChromium(t), base: srv.base}
	a.open("/signup")
	if what := run(a, "check the pattern", chromedp.Evaluate[string](patternScript)); what != "" {
		t.Error(what)
	}
}
