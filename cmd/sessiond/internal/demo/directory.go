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
