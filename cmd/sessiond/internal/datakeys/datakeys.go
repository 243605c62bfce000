// Package datakeys keeps the key ring that seals session data, and the
// demo's TOTP secrets, at rest: a file of lines "ID:BASE64", the first
// line's key sealing, every key opening. It is made with one random key on
// first start.
package datakeys

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sessiond/sessiond"
)

// Load reads the key ring of file, making the file with one random key
// (mode 0600) when it does not exist.
func Load(file string) ([]sessiond.Key, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		if data, err = create(file); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading data keys: %w", err)
	}
	keys, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return keys, nil
}

// Parse reads a key file: one "ID:BASE64" per line (standard base64 of 32
// bytes); blank lines and lines starting with # are skipped.
func Parse(data []byte) ([]sessiond.Key, error) {
	var keys []sessiond.Key
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, b64, ok := strings.Cut(line, ":")
		num, err := strconv.ParseUint(id, 10, 32)
		secret, err2 := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil || err2 != nil || len(secret) != 32 {
			return nil, fmt.Errorf("line %d: want ID:BASE64 of 32 bytes", n)
		}
		keys = append(keys, sessiond.Key{ID: uint32(num), Secret: secret})
	}
	if len(keys) == 0 {
		return nil, errors.New("no key")
	}
	return keys, sc.Err()
}

// create writes a file with one random key and returns its content.
func create(file string) ([]byte, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	content := []byte("# keys that seal session data and the demo's TOTP secrets: the first seals, all open\n1:" + base64.StdEncoding.EncodeToString(secret) + "\n")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(file), err)
	}
	if err := os.WriteFile(file, content, 0o600); err != nil {
		return nil, fmt.Errorf("writing data keys: %w", err)
	}
	return content, nil
}
