package apicontract

import (
	"strings"
	"testing"
)

func TestTagKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, code string
	}{
		{"plain", "env", ""},
		{"inner space", "a b", ""},
		{"han", "环境", ""},
		{"other scripts", "Ünïcode_ключ", ""},
		{"every symbol", "k+-=._:/@()[],;><", ""},
		{"arabic-indic digit", "٣", ""}, // a Unicode decimal digit
		{"full-width letters", "ａｂｃ", ""},
		{"126 characters", strings.Repeat("k", 126), ""},
		{"127 characters", strings.Repeat("k", 127), ""},
		{"128 characters", strings.Repeat("k", 128), CodeTagKeyTooLong},
		// Length counts characters, not bytes: 127 项 are 381 bytes.
		{"127 han characters", strings.Repeat("项", 127), ""},
		{"128 han characters", strings.Repeat("项", 128), CodeTagKeyTooLong},
		{"127 emoji", strings.Repeat("😀", 127), CodeTagKeyIllegalChar},
		{"empty", "", CodeTagKeyEmpty},
		{"leading space", " k", CodeTagKeyIllegalChar},
		{"trailing space", "k ", CodeTagKeyIllegalChar},
		{"only a space", " ", CodeTagKeyIllegalChar},
		{"tab", "a\tb", CodeTagKeyIllegalChar},
		{"no-break space", "a\u00a0b", CodeTagKeyIllegalChar},
		{"hash", "a#b", CodeTagKeyIllegalChar},
		{"star", "a*b", CodeTagKeyIllegalChar},
		{"emoji", "emoji😀", CodeTagKeyIllegalChar},
		{"invalid UTF-8", "bad\xffutf8", CodeTagKeyIllegalChar},
		{"128 characters, illegal ones too", strings.Repeat("*", 128), CodeTagKeyTooLong},
		// Reserved prefixes, in any case of their ASCII letters.
		{"qcs:", "qcs:x", CodeTagKeyReserved},
		{"QCS:", "QCS:x", CodeTagKeyReserved},
		{"project", "project", CodeTagKeyReserved},
		{"Project1", "Project1", CodeTagKeyReserved},
		{"PrOjEcT", "PrOjEcT_x", CodeTagKeyReserved},
		{"qcloud", "qcloud-x", CodeTagKeyReserved},
		{"QCloud", "QCloud_owner", CodeTagKeyReserved},
		{"tencent", "tencent", CodeTagKeyReserved},
		{"TENCENTx", "TENCENTx", CodeTagKeyReserved},
		{"项目", "项目", CodeTagKeyReserved},
		{"项目组", "项目组", CodeTagKeyReserved},
		{"illegal before reserved", "qcs:*", CodeTagKeyIllegalChar},
		// Not reserved: the prefix must be at the start, whole.
		{"qcs without colon", "qcs", ""},
		{"proj", "proj", ""},
		{"my-project", "my-project", ""},
		{"项", "项", ""},
		{"项目 later", "大项目", ""},
		// Only ASCII letters fold: look-alikes that Unicode case folding
		// or normalization maps onto a prefix are not reserved. The long
		// s folds to s under strings.EqualFold and strings.ToUpper; the
		// Kelvin sign folds to k and the dotted İ lowers to i, though no
		// prefix has a k or an i.
		{"long s", "qc\u017F:x", ""},
		{"kelvin sign after", "tencent\u212A", CodeTagKeyReserved},
		{"kelvin sign before", "\u212Aqcs:", ""},
		{"dotted I before", "İproject", ""},
		{"full-width project", "ｐｒｏｊｅｃｔ", ""},
		{"Turkish dotless i", "qcloudı", CodeTagKeyReserved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkViolation(t, "TagKey", tt.key, TagKey(tt.key), tt.code)
		})
	}
}

func TestTagValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value, code string
	}{
		{"plain", "v", ""},
		{"reserved words are fine in values", "project", ""},
		{"qcs: is fine in values", "qcs:x", ""},
		{"inner space", "a b", ""},
		{"han", "值", ""},
		{"254 characters", strings.Repeat("v", 254), ""},
		{"255 characters", strings.Repeat("v", 255), ""},
		{"256 characters", strings.Repeat("v", 256), CodeTagValueTooLong},
		{"255 han characters", strings.Repeat("值", 255), ""},
		{"256 han characters", strings.Repeat("值", 256), CodeTagValueTooLong},
		{"empty", "", CodeTagValueEmpty},
		{"leading space", " v", CodeTagValueIllegalChar},
		{"trailing space", "v ", CodeTagValueIllegalChar},
		{"exclamation mark", "v!", CodeTagValueIllegalChar},
		{"newline", "a\nb", CodeTagValueIllegalChar},
		{"invalid UTF-8", "\xff", CodeTagValueIllegalChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkViolation(t, "TagValue", tt.value, TagValue(tt.value), tt.code)
		})
	}
}
