package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// apiDomain is the root domain of Tencent Cloud's public endpoints: the
// SDK sends each call to <service>.tencentcloudapi.com, or
// <service>.<region>.tencentcloudapi.com, unless told otherwise.
const apiDomain = "tencentcloudapi.com"

// proxyFormAPICall tells whether r is a call that a client sent to the
// emulator as to an HTTP proxy, for one of Tencent Cloud's public
// endpoints: a request in absolute form ("POST
// http://cvm.tencentcloudapi.com/ HTTP/1.1"), with scheme http and a host
// under tencentcloudapi.com. That is how a client that cannot be given an
// endpoint reaches the emulator: the official provider, with
// TENCENTCLOUD_PROTOCOL=HTTP and HTTP_PROXY set to the emulator's
// address. net/http takes r.Host from the URL of such a request, so the
// signature is checked against the host that the client signed, the
// original one.
//
// The signed API answers these besides the hosts of hostAllowed, and that
// gives up nothing of the guard against DNS rebinding. A browser sends a
// request in absolute form only to a proxy it was configured to use,
// never to a server that it takes for a page's origin, which is what a
// page rebound to 127.0.0.1 makes of the emulator: that page's requests
// name only a path, with the page's own name as the Host. A browser set
// to use the emulator as its proxy still cannot send a signed call for a
// page: the Authorization and X-TC-* headers and the JSON body make it
// ask the server first (a CORS preflight, OPTIONS), which the emulator
// never allows. And no page is served from tencentcloudapi.com through
// the emulator, which answers only API calls there. Other hosts (a
// private cloud's domain, given to the official provider as
// TENCENTCLOUD_DOMAIN) are answered when --allow-host names them, as in
// origin form. The control API answers no proxy-form request for these
// hosts: no client needs it to.
func proxyFormAPICall(r *http.Request) bool {
	if r.URL == nil || !strings.EqualFold(r.URL.Scheme, "http") {
		return false
	}
	host := hostKey(hostOf(r.URL.Host))
	return strings.HasSuffix(host, "."+apiDomain) && hostNamePattern.MatchString(host)
}

// signedHostAllowed tells whether the signed API answers r: a Host that
// hostAllowed accepts, or a proxy-form call for a public endpoint (see
// proxyFormAPICall).
func (s *Server) signedHostAllowed(r *http.Request) bool {
	return s.hostAllowed(r) || proxyFormAPICall(r)
}

// refuseConnect answers a CONNECT, which a client sends to its proxy for
// an https URL: the official provider pointed at the emulator through
// HTTP_PROXY without TENCENTCLOUD_PROTOCOL=HTTP. The emulator cannot
// speak TLS for tencentcloudapi.com, so it refuses, with a reason phrase
// that says what to do: Go's HTTP client reports a refused CONNECT by its
// reason phrase alone, which the SDK passes on in its error.
func refuseConnect(w http.ResponseWriter) {
	const reason = "the Tencent Cloud emulator speaks plain HTTP only: set TENCENTCLOUD_PROTOCOL=HTTP"
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, reason, http.StatusMethodNotAllowed)
		return
	}
	defer conn.Close()
	_, _ = fmt.Fprintf(buf, "HTTP/1.1 405 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reason)
	_ = buf.Flush()
}
