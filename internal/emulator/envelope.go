package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"

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
	if result == nil {
		result = map[string]any{}
	}
	result["RequestId"] = uuid.NewString()
	writeEnvelope(w, result)
}

// writeAPIError answers an API error. The real service uses HTTP 200 for
// these too, and the SDK only parses the body of a 200 answer.
func writeAPIError(w http.ResponseWriter, e *apiError) {
	writeEnvelope(w, map[string]any{
		"Error":     map[string]string{"Code": e.Code, "Message": e.Message},
		"RequestId": uuid.NewString(),
	})
}

func writeEnvelope(w http.ResponseWriter, response map[string]any) {
	body, err := json.Marshal(map[string]any{"Response": response})
	if err != nil {
		// Only values built by this package are marshalled, so this cannot
		// happen short of a programming error.
		http.Error(w, "marshal response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
