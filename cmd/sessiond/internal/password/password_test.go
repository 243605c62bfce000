package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h := Hash("correct horse battery staple")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q: want an argon2id PHC string with the default parameters", h)
	}
	if ok, err := Verify(h, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("right password: got %v, %v; want true, nil", ok, err)
	}
	if ok, _ := Verify(h, "correct horse battery stapl"); ok {
		t.Errorf("wrong password accepted")
	}
	cheap := Hasher{Memory: 64, Passes: 1, Lanes: 1}
	if cheap.Hash("same") == cheap.Hash("same") {
		t.Errorf("two hashes of one password are equal: salts repeat")
	}
	if (Hasher{}).VerifyNobody("anything") {
		t.Errorf("VerifyNobody reported true")
	}
}

func TestVerify_Malformed(t *testing.T) {
	good := Hasher{Memory: 64, Passes: 1, Lanes: 1}.Hash("pw")
	parts := strings.Split(good, "$")
	cases := map[string]string{
		"empty":         "",
		"argon2i":       strings.Replace(good, "argon2id", "argon2i", 1),
		"version":       strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":   strings.Replace(good, "m=64", "m=99999999", 1),
		"zero passes":   strings.Replace(good, "t=1", "t=0", 1),
		"extra params":  strings.Replace(good, "p=1", "p=1,x=1", 1),
		"bad salt":      strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$"),
		"short key":     strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"missing field": strings.Join(parts[:5], "$"),
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			if ok, err := Verify(h, "pw"); ok || err == nil {
				t.Errorf("Verify(%q) = %v, %v; want false and an error", h, ok, err)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Hash("pw"))
	f.Add("$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA")
	f.Fuzz(func(t *testing.T, h string) {
		p, err := parse(h)
		if err != nil {
			return
		}
		if p.memory > maxMemory || p.passes > maxPasses || p.lanes > maxLanes || p.lanes == 0 {
			t.Fatalf("parse accepted out-of-bounds parameters %+v", p)
		}
	})
}
