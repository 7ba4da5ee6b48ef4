package matching

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// errPrivateAddress refuses a webhook connection to a non-public address.
var errPrivateAddress = errors.New("webhook address is not public")

// publicOnlyClient is the default webhook client: any user may save a
// webhook URL, so without this the server could be made to POST into its own
// network (loopback, private ranges, link-local cloud metadata). The check
// runs on the address actually dialled, after DNS, so a name that resolves —
// or later re-resolves — to a private address is refused too. Deployments that
// deliver to intranet receivers set TECHMARKET_WEBHOOK_ALLOW_PRIVATE=1.
func publicOnlyClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = dialer.DialContext
	transport.Proxy = nil // a proxy would dial on our behalf and bypass the check
	return &http.Client{Timeout: 10 * time.Second, Transport: transport}
}

func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", errPrivateAddress, address)
	}
	if !publicAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", errPrivateAddress, ap.Addr())
	}
	return nil
}

func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() &&
		!a.IsLinkLocalUnicast() && !sharedAddressSpace.Contains(a)
}

// sharedAddressSpace is RFC 6598 carrier-grade NAT space, not routable on the
// internet but not covered by IsPrivate.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")
