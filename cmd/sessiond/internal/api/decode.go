package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// decode reads a JSON body into v, a pointer to a struct. It answers the
// error itself and reports false: 415 for another content type, 413 past
// 1 MiB, 400 for malformed JSON, unknown or repeated members, invalid
// UTF-8 or trailing data, with a detail that says which. Member names
// match exactly, as the API documents them.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "the body must be application/json")
		return false
	}
	err = json.UnmarshalRead(http.MaxBytesReader(w, r.Body, maxBody), v, json.RejectUnknownMembers(true))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large", "the body is over 1 MiB")
		return false
	case err != nil:
		writeError(w, http.StatusBadRequest, "bad_request", decodeDetail(err, reflect.TypeOf(v).Elem()))
		return false
	}
	return true
}

// decodeDetail says what is wrong with a body that does not decode into a
// struct of type t. It is built from the error's fields, never from its
// message, which can quote the input, a token included: a detail names
// only members of t, and an unknown member when showName allows.
func decodeDetail(err error, t reflect.Type) string {
	var sem *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &sem) && errors.Is(sem.Err, json.ErrUnknownName):
		return "unknown member" + showName(sem.JSONPointer.LastToken())
	case errors.As(err, &sem) && sem.JSONPointer == "":
		return "the body must be a JSON object"
	case errors.As(err, &sem):
		if name, typ, ok := memberAt(t, sem.JSONPointer); ok {
			return name + " must be " + describe(typ)
		}
	case errors.As(err, &syn):
		return syntaxDetail(syn, t)
	}
	return "malformed JSON"
}

// syntaxDetail says what is wrong with a body that is not well-formed JSON.
func syntaxDetail(e *jsontext.SyntacticError, t reflect.Type) string {
	in := ""
	if name, _, ok := memberAt(t, e.JSONPointer); ok {
		in = " in " + name
	}
	switch {
	case errors.Is(e.Err, io.ErrUnexpectedEOF) && e.ByteOffset == 0:
		return "the body is empty"
	case errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "the JSON ends early" + in
	case errors.Is(e.Err, jsontext.ErrDuplicateName) && e.JSONPointer.Parent() == "":
		return "repeated member" + showName(e.JSONPointer.LastToken())
	case errors.Is(e.Err, jsontext.ErrDuplicateName):
		return "repeated member name" + in
	case errors.Is(e.Err, jsontext.ErrNonStringName):
		return "member names must be strings"
	case errInvalidUTF8 != nil && errors.Is(e.Err, errInvalidUTF8):
		return "invalid UTF-8" + in
	}
	return "malformed JSON at byte " + strconv.FormatInt(e.ByteOffset, 10) + in
}

// errInvalidUTF8 is the decoder's error for invalid UTF-8, which its
// package does not export: found once by decoding some.
var errInvalidUTF8 = func() error {
	var syn *jsontext.SyntacticError
	if errors.As(json.Unmarshal([]byte("\"\xff\""), new(string)), &syn) {
		return syn.Err
	}
	return nil
}()

// maxShownName is the longest unknown member name a detail shows: longer
// than any documented name, shorter than a token (43 characters).
const maxShownName = 24

// showName returns ` "name"` for a detail, or nothing when the name could
// be a secret or something other than a name: too long, or with other
// characters than letters, digits, '_' and '-'.
func showName(name string) string {
	if name == "" || len(name) > maxShownName || strings.ContainsFunc(name, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-')
	}) {
		return ""
	}
	return ` "` + name + `"`
}

// memberAt returns the member of t that ptr leads into, and its Go type;
// false when ptr is empty or its first name is not a member of t.
func memberAt(t reflect.Type, ptr jsontext.Pointer) (string, reflect.Type, bool) {
	name, _, _ := strings.Cut(strings.TrimPrefix(string(ptr), "/"), "/")
	typ, ok := members(t)[name] // no member name needs escaping in a pointer
	return name, typ, ok
}

// members returns the JSON members of struct type t and their Go types,
// with the members of embedded structs in place.
func members(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "":
			for n, typ := range members(f.Type) {
				out[n] = typ
			}
		case name != "-" && f.IsExported():
			out[name] = f.Type
		}
	}
	return out
}

// describe names the JSON that decodes into Go type t, for a detail.
func describe(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Int64:
		return "an integer"
	case t.Kind() == reflect.Map:
		return "an object"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "an array of strings"
	}
	return "of another type"
}
