package throttle_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sessiond/sessiond/throttle"
)

// Example is a login handler: Begin an attempt first, answer 429 with a
// generic message when it is refused, and end it with the outcome
// otherwise.
func Example() {
	logins := throttle.New(throttle.Config{}) // set Key to share devices across replicas
	checkPassword := func(user, password string) bool { return user == "alice" && password == "correct horse" }

	login := func(w http.ResponseWriter, r *http.Request) {
		user := strings.ToLower(r.PostFormValue("username"))
		ip, _, _ := net.SplitHostPort(r.RemoteAddr) // or the address a trusted proxy forwarded
		attempt, wait, err := logins.Begin(user, ip, r)
		if err != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			http.Error(w, "too many attempts, try again later", http.StatusTooManyRequests)
			return
		}
		defer attempt.Release() // whatever happens, the attempt ends
		if !checkPassword(user, r.PostFormValue("password")) {
			attempt.Fail()
			http.Error(w, "wrong username or password", http.StatusUnauthorized)
			return
		}
		attempt.Succeed(w) // before the response is written
		// ... start the session ...
		w.WriteHeader(http.StatusNoContent)
	}

	try := func(password string) {
		form := url.Values{"username": {"alice"}, "password": {password}}
		r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		login(w, r)
		if after := w.Header().Get("Retry-After"); after != "" {
			fmt.Println(w.Code, "retry after", after)
			return
		}
		fmt.Println(w.Code)
	}
	for range 6 {
		try("guess")
	}
	// Output:
	// 401
	// 401
	// 401
	// 401
	// 401
	// 429 retry after 1
}

// ExampleLimiter is a sign-up handler: Take before hashing the password,
// and answer 429 with a generic message when it refuses.
func ExampleLimiter() {
	signups := throttle.NewLimiter(throttle.LimiterConfig{}) // 10 an hour from one address
	signup := func(w http.ResponseWriter, r *http.Request) {
		ip, _, _ := net.SplitHostPort(r.RemoteAddr) // or the address a trusted proxy forwarded
		if wait, ok := signups.Take(ip); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			http.Error(w, "too many attempts, try again later", http.StatusTooManyRequests)
			return
		}
		// ... hash the password, create the account ...
		w.WriteHeader(http.StatusCreated)
	}

	answers := map[int]int{}
	for range 15 {
		w := httptest.NewRecorder()
		signup(w, httptest.NewRequest("POST", "/signup", nil))
		answers[w.Code]++
	}
	fmt.Println(answers)
	// Output: map[201:10 429:5]
}
