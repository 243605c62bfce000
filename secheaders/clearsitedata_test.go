package secheaders_test

import (
	"net/http/httptest"
	"testing"

	"github.com/sessiond/sessiond/secheaders"
)

func TestClearSiteData_R30(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("Clear-Site-Data", `"cache"`)
	secheaders.ClearSiteData(w)
	want := `"cache", "cookies", "storage"`
	if got := w.Header().Values("Clear-Site-Data"); len(got) != 1 || got[0] != want {
		t.Errorf("Clear-Site-Data: got %q, want %q", got, want)
	}
}
