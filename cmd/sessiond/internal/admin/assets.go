package admin

import (
	"embed"
	"io/fs"
	"net/http"
)

// assets are the UI's templates and static files.
//
//go:embed templates/*.html static/*
var assets embed.FS

// staticFiles serves static/ under /admin/static/.
func staticFiles() http.Handler {
	static, err := fs.Sub(assets, "static")
	if err != nil {
		panic("admin: " + err.Error()) // the embedded tree always has static/
	}
	return http.StripPrefix("/admin/static/", http.FileServerFS(static))
}
