package load

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ErrNotLoopback is wrapped by the error Run returns when the URL's host is
// not on the loopback interface and Config.AllowRemote is false.
var ErrNotLoopback = errors.New("load: target is not on loopback")

// checkLoopback returns an error wrapping ErrNotLoopback unless rawURL's
// host is "localhost", an address in 127.0.0.0/8 or ::1. It does not
// resolve names.
func checkLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("load: parsing url: %w", err)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w: %q (set AllowRemote to send load elsewhere)", ErrNotLoopback, host)
}
