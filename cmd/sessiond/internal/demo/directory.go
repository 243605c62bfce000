package demo

import (
	"cmp"
	"slices"
	"strings"

	"github.com/sessiond/sessiond"
)

// Disable refuses the user's logins from now on; the caller ends their
// sessions.
func (u *Users) Disable(id string) error {
	return u.Update(id, func(user *User) { user.Disabled = true })
}

// Enable lets the user log in again.
func (u *Users) Enable(id string) error {
	return u.Update(id, func(user *User) { user.Disabled = false })
}

// Lookup finds a user by id, then by name.
func (u *Users) Lookup(idOrName string) (User, bool) {
	if user, ok := u.ByID(idOrName); ok {
		return user, true
	}
	return u.ByName(idOrName)
}

// UseTOTPStep records that the user's code of step was used, and reports
// false when that step or a later one already was: checked and recorded
// under one lock, so two requests racing with one code cannot both pass.
func (u *Users) UseTOTPStep(id string, step int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	user := u.byID[id]
	if user == nil || step <= user.TOTPLastStep {
		return false
	}
	before := user.TOTPLastStep
	user.TOTPLastStep = step
	if u.saveLocked() != nil {
		user.TOTPLastStep = before
		return false
	}
	return true
}

// List returns a page of at most limit users whose name or id holds
// search in any case ("" holds for everyone), the newest first, from
// after the user whose id is after ("" for the first page), and the id
// that starts the next page, "" after the last. An after that names no
// user is sessiond.ErrBadCursor. It sorts the whole directory for each
// page: a directory kept in one JSON file, rewritten on every change, is
// small enough for that.
func (u *Users) List(search, after string, limit int) ([]User, string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	search = strings.ToLower(search)
	var found []*User
	for _, user := range u.byID {
		if strings.Contains(strings.ToLower(user.Name), search) || strings.Contains(strings.ToLower(user.ID), search) {
			found = append(found, user)
		}
	}
	newestFirst := func(a, b *User) int { return cmp.Or(b.Created.Compare(a.Created), strings.Compare(b.ID, a.ID)) }
	slices.SortFunc(found, newestFirst)
	start := 0
	if after != "" {
		last := u.byID[after]
		if last == nil {
			return nil, "", sessiond.ErrBadCursor
		}
		i, ok := slices.BinarySearchFunc(found, last, newestFirst)
		if ok {
			i++
		}
		start = i
	}
	end := min(start+max(limit, 0), len(found))
	page := make([]User, 0, end-start)
	for _, user := range found[start:end] {
		page = append(page, *user)
	}
	if end == len(found) || len(page) == 0 {
		return page, "", nil
	}
	return page, page[len(page)-1].ID, nil
}
