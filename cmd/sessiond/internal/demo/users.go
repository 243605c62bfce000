package demo

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/sessiond/sessiond"
)

// Errors of the user directory.
var (
	ErrUserExists  = errors.New("that username is taken")
	ErrBadUsername = errors.New("a username is 3 to 32 letters, digits, dots, dashes or underscores")
	ErrNoUser      = errors.New("no such user")
)

// minPassword is the shortest password accepted (NIST SP 800-63B asks for
// at least 8; 12 is OWASP's advice when no second factor is required).
const minPassword = 12

var validUsername = regexp.MustCompile(`^[a-zA-Z0-9._-]{3,32}$`)

// User is an account of the demo site.
type User struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	PasswordHash string `json:"password_hash"`
	// TOTPSecret is the base32 secret of the second factor, "" without
	// one. The file keeps it sealed (see userRecord).
	TOTPSecret   string    `json:"-"`
	TOTPLastStep int64     `json:"totp_last_step,omitempty"`
	Disabled     bool      `json:"disabled,omitempty"`
	Created      time.Time `json:"created"`
}

// MFA reports whether the user has a second factor.
func (u User) MFA() bool { return u.TOTPSecret != "" }

// Users is the demo's user directory, kept in a JSON file (mode 0600)
// with the TOTP secrets sealed under the data-key ring. It is safe for
// concurrent use.
type Users struct {
	path string
	keys *sessiond.KeyRing

	mu     sync.Mutex
	byID   map[string]*User
	byName map[string]*User
}

// OpenUsers loads the directory of path, empty when the file does not
// exist yet, with the TOTP secrets sealed under keys. A file that holds
// TOTP secrets is rewritten at once, each sealed under the ring's first
// key: plain ones (a file written before secrets were sealed) leave the
// disk, and after a key is added the older key seals nothing from this
// start on. A sealed secret that does not open fails the whole load: the
// user's second factor cannot be checked, and letting them in on the
// password alone would fail open.
func OpenUsers(path string, keys *sessiond.KeyRing) (*Users, error) {
	if keys == nil {
		return nil, errors.New("demo users: no key ring to seal TOTP secrets with")
	}
	u := &Users{path: path, keys: keys, byID: map[string]*User{}, byName: map[string]*User{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return u, nil
	}
	if err != nil {
		return nil, fmt.Errorf("demo users: %w", err)
	}
	var list []userRecord
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("demo users: %s: %w", path, err)
	}
	secrets := false
	for _, rec := range list {
		user, err := u.open(rec)
		if err != nil {
			return nil, fmt.Errorf("demo users: %s: %w", path, err)
		}
		secrets = secrets || user.MFA()
		u.byID[user.ID], u.byName[normalize(user.Name)] = user, user
	}
	if secrets {
		if err := u.saveLocked(); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// normalize is the form of a username that logins and the throttle use.
func normalize(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Add creates a user with the given password hash.
func (u *Users) Add(name, hash string) (User, error) {
	if !validUsername.MatchString(name) {
		return User{}, ErrBadUsername
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byName[normalize(name)] != nil {
		return User{}, ErrUserExists
	}
	user := &User{ID: "u_" + strings.ToLower(rand.Text()[:16]), Name: name, PasswordHash: hash, Created: time.Now().UTC()}
	u.byID[user.ID], u.byName[normalize(name)] = user, user
	if err := u.saveLocked(); err != nil {
		delete(u.byID, user.ID)
		delete(u.byName, normalize(name))
		return User{}, err
	}
	return *user, nil
}

// ByName returns the user called name.
func (u *Users) ByName(name string) (User, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	user := u.byName[normalize(name)]
	if user == nil {
		return User{}, false
	}
	return *user, true
}

// ByID returns the user with the given id.
func (u *Users) ByID(id string) (User, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	user := u.byID[id]
	if user == nil {
		return User{}, false
	}
	return *user, true
}

// Update changes the user with the given id and saves the directory.
func (u *Users) Update(id string, change func(*User)) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	user := u.byID[id]
	if user == nil {
		return ErrNoUser
	}
	before := *user
	change(user)
	if err := u.saveLocked(); err != nil {
		*user = before
		return err
	}
	return nil
}

// saveLocked writes the directory atomically: a temporary file renamed
// over the old one.
func (u *Users) saveLocked() error {
	list := make([]userRecord, 0, len(u.byID))
	for _, user := range u.byID {
		rec, err := u.seal(user)
		if err != nil {
			return fmt.Errorf("demo users: %w", err)
		}
		list = append(list, rec)
	}
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(u.path), ".demo-users-*")
	if err != nil {
		return fmt.Errorf("demo users: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("demo users: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("demo users: %w", err)
	}
	return os.Rename(tmp.Name(), u.path)
}
