package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// durationValue is a flag.Value for a duration that says what it wants
// of a value it refuses: the flag package's own says "parse error".
type durationValue time.Duration

// Set parses a Go duration.
func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err == nil {
		*d = durationValue(v)
		return nil
	}
	if _, numErr := strconv.ParseFloat(s, 64); numErr == nil {
		return errors.New("needs a unit, e.g. 30m")
	}
	return errors.New("want a duration such as 90s, 30m or 12h")
}

func (d *durationValue) String() string { return shortDuration(time.Duration(*d)) }

func (*durationValue) kind() string { return "duration" }

// shortDuration writes d without zero minutes or seconds after a larger
// unit: 30m, 12h, 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// intValue is a flag.Value for a whole number.
type intValue int

// Set parses a decimal integer.
func (n *intValue) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want a whole number")
	}
	*n = intValue(v)
	return nil
}

func (n *intValue) String() string { return strconv.Itoa(int(*n)) }

func (*intValue) kind() string { return "number" }

// boolValue is a flag.Value for a switch, given alone or as =true or
// =false.
type boolValue bool

// Set parses true or false (and the other spellings of strconv.ParseBool).
func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*b = boolValue(v)
	return nil
}

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

// IsBoolFlag lets the flag be given without a value.
func (*boolValue) IsBoolFlag() bool { return true }

// printUsage writes the help of command: what it runs, the environment,
// and every flag with its variable, its meaning and its default.
func printUsage(w io.Writer, command string, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: sessiond %s [flags]\n\n%s\n\n%s\nFlags:\n", command, descriptions[command], envHelp)
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if k, ok := f.Value.(interface{ kind() string }); ok {
			name = k.kind()
		}
		fmt.Fprintf(w, "  --%s %s  (%s)\n", f.Name, name, EnvName(f.Name))
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			usage += " (default " + f.DefValue + ")"
		}
		for _, line := range wrap(usage, 72) {
			fmt.Fprintf(w, "        %s\n", line)
		}
	})
}

// wrap cuts text into lines of at most width bytes, between words.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}
