package demo

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sessiond/sessiond"
)

// TestUsersList pages through the directory, the newest users first,
// and searches it by part of a name or an id, in any case.
func TestUsersList(t *testing.T) {
	users, err := OpenUsers(filepath.Join(t.TempDir(), "users.json"), newTestRing(t))
	if err != nil {
		t.Fatal(err)
	}
	signup := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ids := map[string]string{}
	for i, name := range []string{"alice", "bob", "Alicia", "carol", "dave"} {
		u, err := users.Add(name, "hash")
		if err != nil {
			t.Fatal(err)
		}
		users.Update(u.ID, func(u *User) { u.Created = signup.Add(time.Duration(i) * time.Minute) })
		ids[name] = u.ID
	}
	names := func(page []User) []string {
		var out []string
		for _, u := range page {
			out = append(out, u.Name)
		}
		return out
	}
	var got []string
	after := ""
	for range 10 {
		page, next, err := users.List("", after, 2)
		if err != nil || len(page) > 2 {
			t.Fatalf("List(%q): got %d users, %v; want at most 2", after, len(page), err)
		}
		if got = append(got, names(page)...); next == "" {
			break
		}
		after = next
	}
	if want := []string{"dave", "carol", "Alicia", "bob", "alice"}; !slices.Equal(got, want) {
		t.Errorf("pages of 2: got %v, want %v", got, want)
	}
	for search, want := range map[string][]string{
		"ALI":            {"Alicia", "alice"},
		ids["bob"][2:8]:  {"bob"},
		"nobody matches": nil,
	} {
		if page, next, err := users.List(search, "", 10); !slices.Equal(names(page), want) || next != "" || err != nil {
			t.Errorf("List(%q): got %v, %q, %v; want %v", search, names(page), next, err, want)
		}
	}
	if _, _, err := users.List("", "u_nosuchuser", 2); !errors.Is(err, sessiond.ErrBadCursor) {
		t.Errorf("List after an unknown id: got %v, want ErrBadCursor", err)
	}
}
