package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// apiError is an error answered inside the Tencent Cloud response envelope.
type apiError struct {
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func missing(name string) *apiError {
	return newError(apicontract.CodeMissingParameter, "The request is missing a required parameter `%s`.", name)
}

// writeResult answers a successful call: the action's fields plus a fresh
// RequestId, inside {"Response": ...}.
func writeResult(w http.ResponseWriter, result map[string]any) {
	writeEnvelope(w, envelopeBody(result, nil))
}

// writeAPIError answers an API error. The real service uses HTTP 200 for
// these too, and the SDK only parses the body of a 200 answer.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	writeEnvelope(w, envelopeBody(nil, e))
}

// envelopeBody is the body of the answer to a call: the error when e is
// not nil, else the action's fields, with a fresh RequestId inside
// {"Response": ...}.
func envelopeBody(result map[string]any, e *apiError) []byte {
	response := map[string]any{}
	if e != nil {
		response["Error"] = map[string]string{"Code": e.Code, "Message": e.Message}
	} else {
		for k, v := range result {
			response[k] = v
		}
	}
	response["RequestId"] = uuid.NewString()
	body, err := json.Marshal(map[string]any{"Response": response})
	if err != nil {
		// Only values built by this package are marshalled, so this cannot
		// happen short of a programming error.
		panic(fmt.Sprintf("marshal response: %v", err))
	}
	return body
}

func writeEnvelope(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// resetMidBody answers with the headers of a 200 answer whose
// Content-Length counts the whole body, then the first half of the body,
// and closes the connection, as a connection cut while the answer is on
// its way does. The SDK reads the body before it looks at the status, so
// it reports the cut as ClientError.ParseJsonError ("Fail to read http
// body", common/http/response.go TryReadErr).
func resetMidBody(w http.ResponseWriter, body []byte) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// No connection to cut (HTTP/2): drop the answer instead.
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	_, _ = rw.Write(body[:len(body)/2])
	_ = rw.Flush()
}

// badGatewayHTML is what a gateway in front of the API answers when the
// service behind it fails; the body is HTML, not the API envelope.
const badGatewayHTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>stgw</center>
</body>
</html>
`

// writeBadGateway answers HTTP 502 with an HTML body, as a gateway does.
// The SDK parses the body before it looks at the status
// (common/http/response.go, TryReadErr), so it reports
// ClientError.ParseJsonError with the page in the message, not
// ClientError.HttpStatusCodeError.
func writeBadGateway(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(w, badGatewayHTML)
}

// truncatedFraction is how much of its body a truncated_json answer keeps.
const truncatedFraction = 0.9

// writeTruncatedJSON answers HTTP 200 with the first 90% of body, and a
// Content-Length that counts just that: the framing is right, so the
// client reads the whole answer, and only the JSON is cut. A JSON object
// cut before its closing brace never parses, so the SDK reports
// ClientError.ParseJsonError, quoting what it read (common/http/
// response.go, ParseErrorFromHTTPResponse): for a CreateKeyPair, most of
// the private key.
func writeTruncatedJSON(w http.ResponseWriter, body []byte) {
	cut := body[:int(float64(len(body))*truncatedFraction)]
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(cut)
}

// objectFields are the fields of an answer that a no_object fault leaves
// out: the object that its action always answers (for SSM, the key pair
// of CreateSSHKeyPairSecret and GetSSHKeyPairValue and the list of
// ListSecrets, and the InstanceSet of DescribeInstances).
var objectFields = []string{"KeyPair", "KeyId", "KeyPairSet", "TotalCount", "SSHKeyID", "SecretMetadatas", "InstanceSet"}

// withoutObject is result without its objectFields.
func withoutObject(result map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range result {
		if !slices.Contains(objectFields, k) {
			out[k] = v
		}
	}
	return out
}
