package api

import (
	_ "embed"
	"net/http"
	"slices"
)

// openAPIDoc is the OpenAPI 3 document of the service, kept beside the
// handlers it describes. A test checks that the two agree.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3 document of the service's HTTP API, as
// JSON: every call of API v1, the health checks and the metrics, with
// their bodies, answers and error names.
func OpenAPI() []byte { return slices.Clone(openAPIDoc) }

// openAPI answers GET /v1/openapi.json with the document.
func openAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.Write(openAPIDoc)
}
