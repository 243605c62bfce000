package demo

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
