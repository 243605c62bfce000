package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// apiClient calls the replicas' HTTP API with one API key.
type apiClient struct {
	http *http.Client
	key  string
}

// newAPIClient returns a client that keeps up to conns connections to
// each replica and gives a call timeout to answer.
func newAPIClient(key string, conns int, timeout time.Duration) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return &apiClient{http: &http.Client{Transport: tr, Timeout: timeout}, key: key}
}

// answer is what a call got: its status and the members the soak reads,
// or the error of a call that got no answer.
type answer struct {
	code     int
	err      error
	Token    string        `json:"token"`
	Session  sessionJSON   `json:"session"`
	Sessions []sessionJSON `json:"sessions"`
	Error    string        `json:"error"`
}

// sessionJSON is the part of the API's session object the soak reads.
type sessionJSON struct {
	ID   string `json:"id"`
	Data struct {
		// N is the value of the one data key the soak writes.
		N *int64 `json:"n"`
	} `json:"data"`
}

// refused reports whether the call was refused: the service answered
// 503 (the store could not answer, fail closed) or another 5xx, or did
// not answer at all (the replica is down, or the call timed out).
func (a answer) refused() bool { return a.err != nil || a.code >= 500 }

// call sends method path to the replica at base with body as JSON and
// decodes the answer.
func (c *apiClient) call(ctx context.Context, base, method, path string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer res.Body.Close()
	a := answer{code: res.StatusCode}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{err: err} // the replica died while answering
	}
	if len(raw) > 0 {
		json.Unmarshal(raw, &a)
	}
	return a
}
