package secheaders

import "net/http"

// clearSiteData asks the browser to drop everything the site stored.
const clearSiteData = `"cache", "cookies", "storage"`

// ClearSiteData sets `Clear-Site-Data: "cache", "cookies", "storage"` on
// the response, for logout: the browser drops the site's cached pages,
// every cookie of the site's registrable domain, and its local storage,
// so that nothing of the session outlives it on a shared computer. Call
// it before the response is written. Browsers honour it over HTTPS only.
func ClearSiteData(w http.ResponseWriter) {
	w.Header().Set("Clear-Site-Data", clearSiteData)
}
