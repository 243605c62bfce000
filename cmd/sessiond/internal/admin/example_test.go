package admin_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/sessiond/sessiond"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/admin"
	"github.com/sessiond/sessiond/cmd/sessiond/internal/operators"
	"github.com/sessiond/sessiond/memstore"
)

func ExampleNew() {
	store := memstore.New(memstore.Config{})
	defer store.Close()
	app, err := sessiond.New(store, sessiond.Config{Auditor: sessiond.StoreAuditor{Store: store}})
	if err != nil {
		log.Fatal(err)
	}
	dataDir, _ := os.MkdirTemp("", "sessiond")
	defer os.RemoveAll(dataDir)

	// On first start: an operator "admin" with a random password, to show once.
	path := operators.Path(dataDir)
	name, password, created, err := operators.EnsureFirst(path)
	if err != nil {
		log.Fatal(err)
	}
	ui, err := admin.New(admin.Config{Manager: app, Audit: store, Operators: operators.NewFile(path)})
	if err != nil {
		log.Fatal(err)
	}
	defer ui.Close()
	mux := http.NewServeMux()
	mux.Handle(admin.Prefix, ui)

	// Without an operator session, the UI sends a browser to its login page.
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "https://localhost/admin/", nil))
	fmt.Println(created, name, len(password) >= operators.MinPasswordLen)
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output:
	// true admin true
	// 303 /admin/login
}
