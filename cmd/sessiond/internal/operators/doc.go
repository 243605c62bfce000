// Package operators keeps the accounts of sessiond's operators, the people
// who sign in to the admin UI.
//
// # The file
//
// Accounts live in one file, <data-dir>/operators ([FileName]), written
// with mode 0600. Each line is one account:
//
//	username:$argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>
//
// a username of 1 to 64 characters from [a-zA-Z0-9._-] ([ValidUsername])
// and its password hash in the PHC string format. Blank lines and lines
// starting with # are skipped; any other line that is not an account makes
// the whole file refused, so that a damaged file is noticed rather than
// half read. [EnsureFirst] makes an "admin" account with a random
// password when the file holds none, for the first start. The commands
// of "sessiond admin" ([Command]) add an account (create-user, also
// [Create]), list them (list-users), replace a password (reset-password,
// for instance the first one, shown once) and remove an account
// (delete-user), rewriting the file atomically and leaving its comments
// and other lines alone. [File] reads the file on every call, so a change
// applies at once: a removed operator's sessions end at their next
// request.
//
// # Password hashing
//
// Passwords are hashed with argon2id ([pwhash.DefaultParams]): 64 MiB of memory,
// 3 passes, 2 lanes, a random 16-byte salt and a 32-byte key. That is
// the second recommended option of RFC 9106 (with 2 lanes instead of 4)
// and well above the minimum of the OWASP Password Storage Cheat Sheet
// (19 MiB, 2 passes, 1 lane). A hash keeps its own parameters, so
// raising them later leaves existing passwords valid. At most a few
// hashes are computed at once (one per CPU, up to 4), which bounds the
// memory a flood of logins can take to 256 MiB.
//
// Hashes compare in constant time. Checking the password of a user that
// does not exist costs the same as checking a real one, since it is
// checked against a dummy hash with the same parameters: the time a login
// takes does not tell whether the user exists.
package operators
