package transport

import (
	"fmt"
	"io"
	"net/http"
)

// maxAnswerBytes caps the body of an answer. The largest answer of the
// actions this provider sends, a DescribeKeyPairs page of 100 key pairs
// with 50 tags each and 16 KiB public keys, stays under 4 MiB; a body past
// the cap is refused before it is held in memory whole, so that a broken
// or hostile endpoint cannot take the provider's memory (a 512 MiB answer
// took it to 3 GB).
const maxAnswerBytes = 16 << 20

// ErrAnswerTooLarge is the error of an answer past maxAnswerBytes. It
// holds no part of the answer.
var ErrAnswerTooLarge = fmt.Errorf("the answer is larger than the provider's cap of %d MiB", maxAnswerBytes>>20)

// CapAnswers refuses answers past maxAnswerBytes: at once when their
// Content-Length says so, else once that many bytes have been read. The
// SDK reads what it returns into memory whole.
type CapAnswers struct {
	Next http.RoundTripper
}

func (t CapAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if resp.ContentLength > maxAnswerBytes {
		_ = resp.Body.Close()
		return nil, ErrAnswerTooLarge
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: maxAnswerBytes}
	return resp, nil
}

// cappedBody fails a read past its cap with ErrAnswerTooLarge.
type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the cap from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, ErrAnswerTooLarge
		}
		return b.ReadCloser.Read(p)
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
