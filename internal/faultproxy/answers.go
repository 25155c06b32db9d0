package faultproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/google/uuid"
)

// writeBody answers status with body and content type.
func writeBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeAPIError answers an API error in the envelope, with HTTP 200 as the
// real service does.
func writeAPIError(w http.ResponseWriter, code, message string) {
	body, _ := json.Marshal(map[string]any{"Response": map[string]any{
		"Error":     map[string]string{"Code": code, "Message": message},
		"RequestId": uuid.NewString(),
	}})
	writeBody(w, http.StatusOK, "application/json", body)
}

// emptyReadBody is a DescribeKeyPairs answer that lists nothing.
func emptyReadBody() []byte {
	body, _ := json.Marshal(map[string]any{"Response": map[string]any{
		"TotalCount": 0, "KeyPairSet": []any{}, "RequestId": uuid.NewString(),
	}})
	return body
}

// objectFields names, per action, the object of its answer that no_object
// leaves out.
var objectFields = map[string]string{
	"CreateKeyPair":    "KeyPair",
	"ImportKeyPair":    "KeyId",
	"DescribeKeyPairs": "KeyPairSet",
}

// withoutObject returns the answer without its object, and false when
// there is nothing to leave out: an error answer, or an action without an
// object.
func withoutObject(action string, body []byte) ([]byte, bool) {
	field, ok := objectFields[action]
	if !ok {
		return nil, false
	}
	var env struct {
		Response map[string]json.RawMessage `json:"Response"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Response == nil {
		return nil, false
	}
	if _, failed := env.Response["Error"]; failed {
		return nil, false
	}
	if _, ok := env.Response[field]; !ok {
		return nil, false
	}
	delete(env.Response, field)
	out, err := json.Marshal(env)
	return out, err == nil
}

// drop ends the call without an answer: net/http closes the connection
// when a handler panics with http.ErrAbortHandler, and logs nothing.
func drop() {
	panic(http.ErrAbortHandler)
}

// cut sends the headers of a 200 answer whose Content-Length counts the
// whole body, then half of the body, and closes the connection.
func cut(w http.ResponseWriter, contentType string, body []byte) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		drop()
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", contentType, len(body))
	_, _ = rw.Write(body[:len(body)/2])
	_ = rw.Flush()
}

// writeHuge answers body padded with JSON whitespace to at least size
// bytes, streamed from a small buffer so that neither the proxy nor its
// test holds the answer. Whitespace keeps the answer the same JSON value:
// only its size is hostile. The padding goes inside the envelope, after
// {"Response":, when the body starts so; else before the body.
func writeHuge(w http.ResponseWriter, body []byte, size int64) {
	head, tail := []byte(nil), body
	if prefix := []byte(`{"Response":`); bytes.HasPrefix(body, prefix) {
		head, tail = prefix, body[len(prefix):]
	}
	pad := max(0, size-int64(len(body)))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(body))+pad, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(head); err != nil {
		return
	}
	if _, err := io.Copy(w, io.LimitReader(spaces{}, pad)); err != nil {
		return
	}
	_, _ = w.Write(tail)
}

// spaces reads as an endless run of spaces.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
