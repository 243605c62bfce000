package api

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sessiond/sessiond"
)

// oaDoc is the part of an OpenAPI document the tests read.
type oaDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Security   []map[string][]string                 `json:"security"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas         map[string]oaSchema `json:"schemas"`
		SecuritySchemes map[string]struct {
			Type   string `json:"type"`
			Scheme string `json:"scheme"`
		} `json:"securitySchemes"`
	} `json:"components"`
}

// oaSchema is the part of a schema the tests read.
type oaSchema struct {
	Required   []string            `json:"required"`
	Properties map[string]oaSchema `json:"properties"`
	Enum       []string            `json:"enum"`
}

// oaOperation is the part of an operation the tests read.
type oaOperation struct {
	Responses map[string]json.RawMessage `json:"responses"`
}

// httpMethods are the methods an operation may be documented under.
var httpMethods = []string{"get", "post", "put", "patch", "delete"}

// loadDoc parses the embedded document.
func loadDoc(t *testing.T) oaDoc {
	t.Helper()
	var d oaDoc
	if err := json.Unmarshal(OpenAPI(), &d); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	return d
}

// operations returns every documented operation as "METHOD /path".
func (d oaDoc) operations(t *testing.T) map[string]oaOperation {
	t.Helper()
	ops := map[string]oaOperation{}
	for path, item := range d.Paths {
		for _, m := range httpMethods {
			raw, ok := item[m]
			if !ok {
				continue
			}
			var op oaOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", m, path, err)
			}
			ops[strings.ToUpper(m)+" "+path] = op
		}
	}
	return ops
}

// v1 keeps the operations under /v1/, which Handler serves.
func v1(ops map[string]oaOperation) map[string]oaOperation {
	out := map[string]oaOperation{}
	for k, op := range ops {
		if _, path, _ := strings.Cut(k, " "); strings.HasPrefix(path, "/v1/") {
			out[k] = op
		}
	}
	return out
}

func TestOpenAPI_Document(t *testing.T) {
	d := loadDoc(t)
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		t.Errorf("openapi: got %q, want 3.x", d.OpenAPI)
	}
	bearer := d.Components.SecuritySchemes["apiKey"]
	if bearer.Type != "http" || bearer.Scheme != "bearer" {
		t.Errorf("securitySchemes.apiKey: got %+v, want http bearer", bearer)
	}
	if len(d.Security) != 1 || d.Security[0]["apiKey"] == nil {
		t.Errorf("security: got %v, want the apiKey scheme on every call", d.Security)
	}
	if len(d.Paths) == 0 {
		t.Errorf("paths: got none")
	}
}

// TestOpenAPI_RoutesAreDocumented checks that the routes Handler
// serves are exactly the documented /v1/ operations: adding a route
// without documenting it, or documenting one that does not exist, fails.
func TestOpenAPI_RoutesAreDocumented(t *testing.T) {
	var registered []string
	for path, ms := range new(api).routes() {
		for m := range ms {
			registered = append(registered, m+" "+path)
		}
	}
	slices.Sort(registered)
	documented := slices.Sorted(maps.Keys(v1(loadDoc(t).operations(t))))
	if !slices.Equal(registered, documented) {
		t.Errorf("routes: got registered %q, want the documented %q", registered, documented)
	}
}

// TestOpenAPI_DocumentedRoutesAnswer sends every documented operation to
// Handler, with sample path values and an empty JSON object: the mux must
// route it (no 404 or 405) and the status must be one documented for it.
// Every other method on a documented path must be 405 method_not_allowed,
// in JSON, with Allow naming the methods documented for that path (and
// HEAD beside GET), not those of another path the request also matches.
func TestOpenAPI_DocumentedRoutesAnswer(t *testing.T) {
	h := newTestAPI(t).h
	ops := v1(loadDoc(t).operations(t))
	for key, op := range ops {
		t.Run(key, func(t *testing.T) {
			method, path, _ := strings.Cut(key, " ")
			code := send(h, method, samplePath(path))
			if code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
				t.Fatalf("status: got %d, want the route to exist", code)
			}
			if _, ok := op.Responses[strconv.Itoa(code)]; !ok {
				t.Errorf("status: got %d, want one of the documented %v", code, slices.Sorted(maps.Keys(op.Responses)))
			}
		})
	}
	for path, methods := range methodsOf(ops) {
		allow := slices.Clone(methods)
		if slices.Contains(methods, "GET") {
			allow = append(allow, "HEAD")
		}
		slices.Sort(allow)
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "PROPFIND"} {
			if slices.Contains(allow, method) {
				continue
			}
			t.Run(method+" "+path, func(t *testing.T) {
				w := sendRecorded(h, method, samplePath(path))
				if w.Code != http.StatusMethodNotAllowed {
					t.Fatalf("status: got %d, want 405", w.Code)
				}
				if got, want := w.Header().Get("Allow"), strings.Join(allow, ", "); got != want {
					t.Errorf("Allow: got %q, want %q", got, want)
				}
				if e := errorOf(t, w); e.Error != "method_not_allowed" {
					t.Errorf("error: got %q, want method_not_allowed", e.Error)
				}
			})
		}
	}
}

// send makes one call with an empty JSON object and returns the status.
func send(h http.Handler, method, path string) int {
	return sendRecorded(h, method, path).Code
}

// sendRecorded makes one call with an empty JSON object and returns the
// answer.
func sendRecorded(h http.Handler, method, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader("{}"))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// samplePath fills each {name} of a documented path with a sample value.
func samplePath(path string) string {
	return regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, "sample-value")
}

// methodsOf returns the documented methods of each path of ops.
func methodsOf(ops map[string]oaOperation) map[string][]string {
	out := map[string][]string{}
	for k := range ops {
		method, path, _ := strings.Cut(k, " ")
		out[path] = append(out[path], method)
	}
	return out
}

// calls returns the calls to the named functions or methods in the
// non-test Go files of dir.
func calls(t *testing.T, dir string, names ...string) []*ast.CallExpr {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []*ast.CallExpr
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && len(c.Args) > 0 && slices.Contains(names, calleeName(c)) {
				out = append(out, c)
			}
			return true
		})
	}
	return out
}

// calleeName is the name of the function or method a call calls.
func calleeName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// TestOpenAPI_ErrorNames checks that the document's error names are those
// of the package doc and of the code: every name doc.go gives and every
// name a handler writes is documented, and nothing else is, but the API
// key check's "unauthorized".
func TestOpenAPI_ErrorNames(t *testing.T) {
	enum := loadDoc(t).Components.Schemas["Error"].Properties["error"].Enum
	want := map[string]bool{"unauthorized": true}
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`([a-z_]+) \(\d{3}`).FindAllStringSubmatch(string(src), -1) {
		want[m[1]] = true
	}
	for _, c := range calls(t, ".", "writeError") {
		if lit, ok := c.Args[2].(*ast.BasicLit); ok {
			name, _ := strconv.Unquote(lit.Value)
			want[name] = true
		}
	}
	if got, w := slices.Sorted(slices.Values(enum)), slices.Sorted(maps.Keys(want)); !slices.Equal(got, w) {
		t.Errorf("Error.error enum: got %q, want %q", got, w)
	}
}

// TestOpenAPI_Schemas checks each documented object against the Go type
// the API reads or writes: the same JSON members, all of them required in
// answers.
func TestOpenAPI_Schemas(t *testing.T) {
	schemas := loadDoc(t).Components.Schemas
	for _, tc := range []struct {
		schema   string
		typ      reflect.Type
		required []string // nil: every member
	}{
		{"Session", reflect.TypeFor[sessionJSON](), nil},
		{"Event", reflect.TypeFor[sessiond.Event](), nil},
		{"TokenAnswer", reflect.TypeFor[answer](), nil},
		{"SessionAnswer", reflect.TypeFor[answer](), []string{"session"}},
		{"CreateRequest", reflect.TypeFor[createBody](), []string{"user_id"}},
		{"ValidateRequest", reflect.TypeFor[tokenBody](), []string{"token"}},
		{"TokenRequest", reflect.TypeFor[struct {
			Token *string `json:"token"`
		}](), []string{"token"}},
		{"RotateRequest", reflect.TypeFor[rotateBody](), []string{"token"}},
		{"DataRequest", reflect.TypeFor[dataBody](), []string{"token"}},
		{"CreateAnswer", reflect.TypeFor[createAnswer](), []string{"token", "session"}},
		{"Device", reflect.TypeFor[deviceJSON](), nil},
		{"DeviceRequest", reflect.TypeFor[deviceBody](), []string{"token", "origin"}},
		{"DeviceAnswer", reflect.TypeFor[deviceAnswer](), []string{"result", "challenge"}},
		{"BoundCookieSet", reflect.TypeFor[boundCookieJSON](), nil},
		{"ReauthRequest", reflect.TypeFor[reauthBody](), []string{"token", "auth_methods"}},
		{"Error", reflect.TypeFor[errorAnswer](), nil},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s, ok := schemas[tc.schema]
			if !ok {
				t.Fatalf("no schema %q", tc.schema)
			}
			fields := slices.Sorted(maps.Keys(members(tc.typ)))
			if got := slices.Sorted(maps.Keys(s.Properties)); !slices.Equal(got, fields) {
				t.Errorf("properties: got %q, want %q", got, fields)
			}
			want := tc.required
			if want == nil {
				want = fields
			}
			if got := slices.Sorted(slices.Values(s.Required)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Errorf("required: got %q, want %q", got, want)
			}
		})
	}
}

func TestOpenAPI_Served(t *testing.T) {
	h := newTestAPI(t).h
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/v1/openapi.json", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}
	if got := w.Body.Bytes(); !slices.Equal(got, OpenAPI()) {
		t.Errorf("body: got %d bytes, want the %d of the document", len(got), len(OpenAPI()))
	}
}

// TestOpenAPI_EventTypes checks that the document names every event type
// the audit log holds, and no other.
func TestOpenAPI_EventTypes(t *testing.T) {
	var want []string
	for _, typ := range sessiond.EventTypes() {
		want = append(want, string(typ))
	}
	enum := loadDoc(t).Components.Schemas["EventType"].Enum
	if !slices.Equal(slices.Sorted(slices.Values(enum)), slices.Sorted(slices.Values(want))) {
		t.Errorf("EventType enum: got %q, want %q", enum, want)
	}
}
