package useragent

import "testing"

const (
	firefoxWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
	safariIPhone   = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)

func TestDescribe(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{firefoxWindows, "Firefox 128 on Windows"},
		{safariIPhone, "Safari 17 on iOS"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87", "Edge 126 on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on macOS"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari 17 on macOS"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36", "Chrome 126 on Android"},
		{"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet 25 on Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", "Opera 111 on Windows"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", "Chrome 126 on iOS"},
		{"Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari 17 on iPadOS"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox 127 on Linux"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome 126 on ChromeOS"},
		{"curl/8.5.0", "curl 8"},
		{"Go-http-client/1.1", "Go HTTP client 1"},
		{"python-requests/2.32.3", "Python requests 2"},
		{"Opera/9.80 (Windows NT 6.1) Presto/2.12 Version/12.16", "Browser on Windows"},
		{"Mozilla/5.0 (Windows NT 10.0)", "Browser on Windows"},
		{"", "Unknown device"},
		{"something else", "Unknown device"},
		{"Firefox/99999999999999", "Firefox 99999"},
	} {
		if got := Describe(tc.ua); got != tc.want {
			t.Errorf("Describe(%q): got %q, want %q", tc.ua, got, tc.want)
		}
	}
}

func FuzzDescribe(f *testing.F) {
	f.Add(firefoxWindows)
	f.Add(safariIPhone)
	f.Fuzz(func(t *testing.T, ua string) {
		if Describe(ua) == "" {
			t.Errorf("Describe(%q) is empty", ua)
		}
	})
}
