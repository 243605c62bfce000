package e2e

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sessiond/sessiond/cmd/sessiond/internal/api"
)

// TestOpenAPI_ServiceRoutes checks the document against the whole
// service: every documented operation is routed by the server (not 404
// or 405) and answers a documented status, and every route the server
// package registers is documented.
func TestOpenAPI_ServiceRoutes(t *testing.T) {
	t.Parallel()
	s := startApp(t, "memory://")
	ops := documented(t)
	for op, codes := range ops {
		method, path, _ := strings.Cut(op, " ")
		a := s.send(t, method, samplePath(path), "{}", http.Header{
			"Authorization": {"Bearer " + s.key}, "Content-Type": {"application/json"},
		})
		if a.code == http.StatusNotFound || a.code == http.StatusMethodNotAllowed {
			t.Errorf("%s: got %d, want the route to exist", op, a.code)
		} else if !slices.Contains(codes, strconv.Itoa(a.code)) {
			t.Errorf("%s: got %d, want one of the documented %v", op, a.code, codes)
		}
	}
	for _, pattern := range serverRoutes(t, filepath.Join("..", "internal", "server")) {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "", pattern
		}
		if strings.HasSuffix(path, "/") {
			continue // a subtree mounted whole: the API's own test checks /v1/
		}
		found := false
		for op := range ops {
			m, p, _ := strings.Cut(op, " ")
			found = found || p == path && (method == "" || method == m)
		}
		if !found {
			t.Errorf("the server registers %q, which the OpenAPI document does not describe", pattern)
		}
	}
	a := s.call(t, "GET", "/v1/openapi.json", nil)
	if a.code != http.StatusOK || str(a.body, "openapi")[:2] != "3." {
		t.Errorf("GET /v1/openapi.json: got %d, openapi %q, want 200 and 3.x", a.code, str(a.body, "openapi"))
	}
}

// documented returns each documented operation, "METHOD /path", with its
// documented statuses.
func documented(t *testing.T) map[string][]string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for path, item := range doc.Paths {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if raw, ok := item[m]; ok && json.Unmarshal(raw, &op) == nil {
				for code := range op.Responses {
					out[strings.ToUpper(m)+" "+path] = append(out[strings.ToUpper(m)+" "+path], code)
				}
			}
		}
	}
	return out
}

// serverRoutes returns the literal patterns of every Handle and
// HandleFunc call in the non-test Go files of dir: the service's own
// routes are written as literals.
func serverRoutes(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var out []string
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
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			if sel, ok := c.Fun.(*ast.SelectorExpr); !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			lit, ok := c.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				// A named pattern is a site's mount point (admin.Prefix): the
				// browser sites are not part of the API document.
				t.Logf("%s: pattern is not a literal, not checked", fset.Position(c.Pos()))
				return true
			}
			p, _ := strconv.Unquote(lit.Value)
			out = append(out, p)
			return true
		})
	}
	return out
}
