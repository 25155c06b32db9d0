package emulator

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/keypairlabs/terraform-provider-tencentcloud/internal/apicontract"
)

// The emulator answers, on the control API and the signed API alike, only
// calls whose Host header names it by a name that its operator chose or
// that cannot be a web page's: a loopback address, the IP address the
// connection arrived at, the host of --listen, or a name of --allow-host.
// A web page that rebinds its own name to 127.0.0.1 (DNS rebinding) still
// sends its own name as the Host, so this keeps it out. The signed API
// needs the guard as much as the control API: the demo credential is
// public, so a page can sign calls with it. The real service has no such
// guard; it is the emulator's own, because it listens where browsers can
// reach it. The signed API also answers calls sent to it as to a proxy
// for Tencent Cloud's public endpoints, which no rebound page can send
// (see proxyFormAPICall in proxyform.go).

// hostNamePattern is what --allow-host takes besides IP addresses: DNS
// labels of letters, digits, hyphens and underscores (which container
// and compose service names may hold), separated by dots.
var hostNamePattern = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$`)

// hostKey is the form in which a host is compared: an IP address in its
// canonical text (so that ::1 and 0:0::1 are one), a name in lower case.
// IPv6 brackets are dropped.
func hostKey(host string) string {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return strings.ToLower(host)
}

// allowHostKeys checks the names of Config.AllowHosts and returns them as
// hostKeys.
func allowHostKeys(names []string) (map[string]bool, error) {
	keys := map[string]bool{}
	for _, name := range names {
		bare := strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
		if net.ParseIP(bare) == nil && !hostNamePattern.MatchString(name) {
			if _, _, err := net.SplitHostPort(name); err == nil {
				return nil, fmt.Errorf("allowed host %q: give the name without a port", name)
			}
			return nil, fmt.Errorf("allowed host %q: must be a host name (letters, digits, hyphens, underscores and dots) or an IP address", name)
		}
		keys[hostKey(name)] = true
	}
	return keys, nil
}

// hostOf is the host part of a Host header, without port or brackets.
func hostOf(hostHeader string) string {
	if h, _, err := net.SplitHostPort(hostHeader); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostHeader, "["), "]")
}

// hostAllowed tells whether the Host header of r names a loopback address
// (localhost, 127.0.0.0/8, ::1, with any port), the IP address the
// connection arrived at (what a client on the network names when the
// emulator listens on every interface), the host of Config.ListenAddr, or
// a name of Config.AllowHosts. Both the control API and the signed API
// ask it.
func (s *Server) hostAllowed(r *http.Request) bool {
	host := hostOf(r.Host)
	if host == "" {
		return false
	}
	if key := hostKey(host); key == "localhost" || s.allowHosts[key] {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() {
		return true
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	return ok && local.IP.Equal(ip)
}

// hostRefused is the answer of the signed API to a call whose Host it
// does not answer: an error in the API's envelope, which the SDK reports
// as a TencentCloudSDKError, rather than an HTTP status, which it would
// report as an unparsable answer. AuthFailure.UnauthorizedOperation is
// the common error code for a request that is not authorized (Common
// error codes, 213/15694); the real service never answers it for a Host,
// since it has no such guard.
func hostRefused(r *http.Request) *apiError {
	host := hostOf(r.Host)
	if host == "" {
		return newError(apicontract.CodeUnauthorizedOperation,
			"A request without a Host header is not allowed by the emulator; send the host it listens on, or start the emulator with --allow-host NAME.")
	}
	return newError(apicontract.CodeUnauthorizedOperation,
		"The Host %q is not allowed by the emulator, which answers only loopback addresses, the address it listens on and the names of --allow-host "+
			"(a guard against DNS rebinding); start the emulator with --allow-host %s to allow it.", host, host)
}
