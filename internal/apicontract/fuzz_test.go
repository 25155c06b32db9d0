package apicontract

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/ssh"
)

// Property tests of the rules. Each target states the rule as the pages
// word it, by other means than the rule's code (a regular expression where
// the code loops, strings.Map where it compares bytes), and adds the
// properties a real bug would break: lengths in characters, ASCII-only case
// folding, whitespace around a public key, one key per line. The seeds
// (f.Add and testdata/fuzz/<target>) run as plain tests in go test.

func FuzzKeyName(f *testing.F) {
	for _, s := range []string{
		"", "a", "deploy_2026", "has-dash", "a b", "名字", "\u212A", "ａｂｃ",
		strings.Repeat("a", 24), strings.Repeat("a", 25), strings.Repeat("a", 26),
		strings.Repeat("名", 25), strings.Repeat("名", 26), strings.Repeat("a", 24) + "é",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		v := KeyName(name)
		n := utf8.RuneCountInString(name)
		charsOK := strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == ""
		var want string
		switch {
		case name == "":
			want = CodeKeyNameEmpty
		case n > MaxKeyNameLength:
			want = CodeKeyNameTooLong
		case !charsOK:
			want = CodeKeyNameIllegalChar
		}
		checkViolation(t, "KeyName", name, v, want)

		// Length is counted in characters: a name of 25 characters or
		// fewer is never too long, however many bytes it has.
		if n <= MaxKeyNameLength && v != nil && v.Code == CodeKeyNameTooLong {
			t.Errorf("KeyName(%q): %d characters called too long", name, n)
		}
		if v != nil {
			return
		}
		// An accepted name is ASCII, so its bytes are its characters.
		if len(name) != n {
			t.Errorf("KeyName(%q) accepted a name of %d bytes and %d characters", name, len(name), n)
		}
		// Case does not matter; one more allowed character fits until 25;
		// a dash never does.
		if v := KeyName(swapASCIICase(name)); v != nil {
			t.Errorf("KeyName accepts %q but not %q: %v", name, swapASCIICase(name), v)
		}
		longer := KeyName(name + "_")
		if (n < MaxKeyNameLength && longer != nil) || (n == MaxKeyNameLength && code(longer) != CodeKeyNameTooLong) {
			t.Errorf("KeyName(%q + \"_\") = %v with %d characters before", name, longer, n)
		}
		if KeyName(name+"-") == nil {
			t.Errorf("KeyName accepts %q", name+"-")
		}
	})
}

func FuzzDescription(f *testing.F) {
	for _, s := range []string{"", "CI deploy key", strings.Repeat("d", 60), strings.Repeat("d", 61), strings.Repeat("钥", 60), strings.Repeat("钥", 61)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, description string) {
		want := ""
		if utf8.RuneCountInString(description) > MaxDescriptionLength {
			want = CodeInvalidParameterValue
		}
		checkViolation(t, "Description", description, Description(description), want)
	})
}

// tagTextPattern is the tag character rule as the pages word it: letters,
// digits, spaces but not at either end, and the listed symbols.
var tagTextPattern = regexp.MustCompile(`^[\p{L}\p{Nd}+\-=._:/@()\[\],;><]([\p{L}\p{Nd} +\-=._:/@()\[\],;><]*[\p{L}\p{Nd}+\-=._:/@()\[\],;><])?$`)

// reservedByPages reports whether a key starts with a reserved prefix,
// with only the ASCII letters folded.
func reservedByPages(key string) bool {
	lower := strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, key)
	for _, p := range []string{"qcs:", "project", "qcloud", "tencent", "项目"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}

func FuzzTagKey(f *testing.F) {
	for _, s := range []string{
		"team", "", " team", "team ", "a b", "a*b", "qcs:x", "QCS:x", "Project1", "TENCENTx", "qcloud", "项目a",
		"qc\u017F:x", "\u212Aqcs:", "tencent\u212A", "İproject", "ｐｒｏｊｅｃｔ",
		strings.Repeat("k", 127), strings.Repeat("k", 128), strings.Repeat("项", 127), strings.Repeat("项", 128),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		v := TagKey(key)
		n := utf8.RuneCountInString(key)
		var want string
		switch {
		case key == "":
			want = CodeTagKeyEmpty
		case n > MaxTagKeyLength:
			want = CodeTagKeyTooLong
		case !utf8.ValidString(key) || !tagTextPattern.MatchString(key):
			want = CodeTagKeyIllegalChar
		case reservedByPages(key):
			want = CodeTagKeyReserved
		}
		checkViolation(t, "TagKey", key, v, want)

		// The case of ASCII letters never matters, reserved prefixes
		// included.
		if got := TagKey(swapASCIICase(key)); code(got) != code(v) {
			t.Errorf("TagKey(%q) = %v but TagKey(%q) = %v", key, v, swapASCIICase(key), got)
		}
		// Whatever a key may be, a value may be too.
		if v == nil && TagValue(key) != nil {
			t.Errorf("TagKey accepts %q, TagValue refuses it: %v", key, TagValue(key))
		}
		if v != nil {
			return
		}
		checkTagText(t, "TagKey", TagKey, key, MaxTagKeyLength, CodeTagKeyTooLong, CodeTagKeyIllegalChar)

		// Before an accepted key, a reserved prefix makes it reserved in
		// any ASCII case, and a look-alike of one does not: neither the
		// long s, which Unicode folds to s, nor full-width letters, which
		// NFKC maps to ASCII.
		for _, p := range []string{"qcs:", "QCS:", "Qcs:", "project", "PROJECT", "Project", "qcloud", "QCloud", "tencent", "TENCENT", "项目"} {
			if n+utf8.RuneCountInString(p) > MaxTagKeyLength {
				continue
			}
			if got := TagKey(p + key); code(got) != CodeTagKeyReserved {
				t.Errorf("TagKey(%q) = %v, want reserved", p+key, got)
			}
		}
		for _, p := range []string{"qc\u017F:", "ｐｒｏｊｅｃｔ", "ｔｅｎｃｅｎｔ"} {
			if got := TagKey(p + key); code(got) == CodeTagKeyReserved && !reservedByPages(p+key) {
				t.Errorf("TagKey(%q) = %v: a look-alike prefix is reserved", p+key, got)
			}
		}
	})
}

func FuzzTagValue(f *testing.F) {
	for _, s := range []string{"v", "", " v", "v ", "a b", "v!", "project", "qcs:x", strings.Repeat("v", 255), strings.Repeat("v", 256), strings.Repeat("值", 255), strings.Repeat("值", 256)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		v := TagValue(value)
		n := utf8.RuneCountInString(value)
		var want string
		switch {
		case value == "":
			want = CodeTagValueEmpty
		case n > MaxTagValueLength:
			want = CodeTagValueTooLong
		case !utf8.ValidString(value) || !tagTextPattern.MatchString(value):
			want = CodeTagValueIllegalChar
		}
		checkViolation(t, "TagValue", value, v, want)

		if got := TagValue(swapASCIICase(value)); code(got) != code(v) {
			t.Errorf("TagValue(%q) = %v but TagValue(%q) = %v", value, v, swapASCIICase(value), got)
		}
		if v != nil {
			return
		}
		// A value short enough for a key is a key, unless reserved.
		if n <= MaxTagKeyLength {
			if got := TagKey(value); got != nil && got.Code != CodeTagKeyReserved {
				t.Errorf("TagValue accepts %q, TagKey refuses it: %v", value, got)
			}
		}
		checkTagText(t, "TagValue", TagValue, value, MaxTagValueLength, CodeTagValueTooLong, CodeTagValueIllegalChar)
	})
}

// checkTagText checks what holds of an accepted tag key or value s: a
// space at either end is illegal, and length counts characters, so max
// copies of s's first character are accepted whatever its size in bytes,
// and one more is too long.
func checkTagText(t *testing.T, name string, rule func(string) *Violation, s string, limit int, tooLong, illegal string) {
	t.Helper()
	n := utf8.RuneCountInString(s)
	for _, spaced := range []string{" " + s, s + " "} {
		want := illegal
		if n+1 > limit {
			want = tooLong
		}
		if got := rule(spaced); code(got) != want {
			t.Errorf("%s(%q) = %v, want %s", name, spaced, got, want)
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	if unicode.IsSpace(first) {
		t.Fatalf("%s accepts %q, which starts with a space", name, s)
	}
	full := strings.Repeat(string(first), limit)
	if got := rule(full); got != nil && got.Code != CodeTagKeyReserved {
		t.Errorf("%s refuses %d × %q: %v", name, limit, first, got)
	}
	if got := rule(full + string(first)); code(got) != tooLong {
		t.Errorf("%s(%d × %q) = %v, want %s", name, limit+1, first, got, tooLong)
	}
}

func FuzzPublicKey(f *testing.F) {
	for _, s := range []string{
		"", "not a key", rsaLine, "ssh-rsa " + rsaBlob, "  " + rsaLine + "\n", rsaLine + "\n" + rsaLine,
		"# laptop\n" + rsaLine, "no-pty " + rsaLine, ed25519Line, ecdsaLine, "foo " + rsaBlob, "alice@laptop", "a\rb",
	} {
		f.Add(s)
	}
	want, v := PublicKey(rsaLine)
	if v != nil {
		f.Fatalf("the test key is refused: %v", v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key, v := PublicKey(s)
		if v != nil {
			checkViolation(t, "PublicKey", s, v, CodePublicKeyMalformed)
		} else {
			checkAcceptedKey(t, s, key)
		}

		// s as a comment: the key and its material stay, unless s
		// breaks the line.
		line := rsaLine + " " + s
		key, v = PublicKey(line)
		if strings.ContainsAny(strings.TrimSpace(line), "\r\n") {
			if v == nil {
				t.Errorf("PublicKey(%q) accepted more than one line", line)
			}
		} else if v != nil || key.Material != want.Material {
			t.Errorf("PublicKey(%q) = %+v, %v; want the material of the test key", line, key, v)
		}

		// s as the type field: only ssh-rsa names an RSA key.
		if field := strings.Join(strings.Fields(s), ""); field != "" && field != ssh.KeyAlgoRSA {
			if _, v := PublicKey(field + " " + rsaBlob); v == nil {
				t.Errorf("PublicKey accepts an RSA key whose type field is %q", field)
			}
		}
	})
}

// checkAcceptedKey checks what holds of an accepted public key.
func checkAcceptedKey(t *testing.T, s string, key RSAPublicKey) {
	t.Helper()
	if key.Line != strings.TrimSpace(s) {
		t.Errorf("PublicKey(%q).Line = %q, want the input without the whitespace around", s, key.Line)
	}
	if strings.ContainsAny(key.Line, "\r\n") {
		t.Errorf("PublicKey accepts %q, which is not one line", s)
	}
	// The material is the canonical base64 of the key, which the line's
	// may not be (Go's decoder ignores the padding bits).
	fields := strings.Fields(key.Line)
	if len(fields) < 2 || fields[0] != ssh.KeyAlgoRSA {
		t.Fatalf("PublicKey accepts %q, which does not start with ssh-rsa and a key", s)
	}
	blob, err := base64.StdEncoding.DecodeString(key.Material)
	if err != nil {
		t.Fatalf("PublicKey(%q).Material is not base64: %v", s, err)
	}
	if pub, err := ssh.ParsePublicKey(blob); err != nil || pub.Type() != ssh.KeyAlgoRSA {
		t.Errorf("PublicKey(%q).Material is not an RSA key: %v", s, err)
	}
	// The rule is stable, ignores whitespace around and the comment, and
	// refuses the line twice or after a comment line.
	same := []string{key.Line, "\n\t " + s + " \r\n", fields[0] + " " + fields[1], fields[0] + " " + fields[1] + " another comment"}
	for _, l := range same {
		if got, v := PublicKey(l); v != nil || got.Material != key.Material {
			t.Errorf("PublicKey(%q) = %+v, %v; want material %q as for %q", l, got, v, key.Material, s)
		}
	}
	for _, l := range []string{key.Line + "\n" + key.Line, "# comment\n" + key.Line, key.Line + "\n# comment", "no-pty " + key.Line} {
		if _, v := PublicKey(l); v == nil {
			t.Errorf("PublicKey accepts %q", l)
		}
	}
}

// swapASCIICase swaps the case of the ASCII letters of s and of nothing
// else.
func swapASCIICase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	return string(b)
}

// code is v's code, or "" for nil.
func code(v *Violation) string {
	if v == nil {
		return ""
	}
	return v.Code
}
