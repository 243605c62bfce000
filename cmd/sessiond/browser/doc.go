// Package browser tests the demo site of "sessiond demo" in a real browser:
// the whole server runs in-process over HTTPS with its development
// certificate, and headless Chromium, driven through the DevTools protocol,
// signs up, logs in with a second step, manages its devices from two
// independent cookie jars and changes its password, while the tests check
// what a script in the page can see (nothing of the session) and what the
// browser keeps. With Device Bound Session Credentials (software keys, as
// there is no TPM), a Chromium binds its session to a key, refreshes it
// when the bound cookie runs out, and a second Chromium with a copy of the
// session cookie is refused; revocation and logout end the binding.
//
// The tests need Chromium at /usr/bin/chromium (Debian's package
// "chromium") and skip without it. SESSIOND_ARTIFACTS names a directory for
// the screenshots they take; without it they go to a temporary directory.
package browser
