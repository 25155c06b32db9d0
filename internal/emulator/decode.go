package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// decodeParams decodes a request body into dst, a pointer to a request
// struct. It is stricter than encoding/json on purpose: the real service
// rejects fields it does not know with UnknownParameter and matches names
// exactly, while encoding/json ignores unknown fields and matches names
// case-insensitively. Every other decoding failure is InvalidParameter.
func decodeParams(body []byte, dst any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		// The SDK always sends at least "{}"; an empty body means no
		// parameters rather than broken JSON.
		body = []byte("{}")
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return newError(apicontract.CodeInvalidParameter, "The request body is not valid JSON: %s.", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return newError(apicontract.CodeInvalidParameter, "The request body holds data after the JSON object.")
	}
	if _, ok := generic.(map[string]any); !ok {
		return newError(apicontract.CodeInvalidParameter, "The request body must be a JSON object.")
	}
	if name := unknownField(generic, reflect.TypeOf(dst), ""); name != "" {
		return newError(apicontract.CodeUnknownParameter, "The parameter `%s` is not recognized.", name)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return newError(apicontract.CodeInvalidParameter, "The parameter `%s` must be of type %s, not %s.",
				typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return newError(apicontract.CodeInvalidParameter, "The request body does not match the action's parameters: %s.", err)
	}
	return nil
}

// unknownField walks a decoded JSON value alongside the Go type it will be
// decoded into and returns the dotted path of the first object key that has
// no exactly matching json tag, or "" when every key is known. Values of the
// wrong JSON kind are left for json.Unmarshal to report.
func unknownField(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		// Sorted keys make the reported field deterministic.
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			field, ok := fieldByTag(t, k)
			if !ok {
				return path + k
			}
			if name := unknownField(obj[k], field.Type, path+k+"."); name != "" {
				return name
			}
		}
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			return ""
		}
		for i, elem := range arr {
			if name := unknownField(elem, t.Elem(), path+strconv.Itoa(i)+"."); name != "" {
				return name
			}
		}
	}
	return ""
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
