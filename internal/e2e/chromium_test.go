package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium. Outside CI a missing browser skips the
// test; in CI (CI=true) it fails, so the browser test can never silently vanish.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; .ci/run installs it")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and the flags this
// closed network needs (no background connections that would be refused), and
// returns a tab context that ends with the test or after a minute.
func newBrowser(t *testing.T, exe string) context.Context {
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900))...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	bctx, cancelTimeout := context.WithTimeout(bctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return bctx
}

var clearCookies = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
	return err
})

// loadsPage runs steps that submit a form or follow a link and waits until the
// next document has loaded. Without it, a query that follows a click can find
// its node in the page being left and then fail with "No node with given id
// found" when that document goes away: a race that made CI flaky.
func loadsPage(steps ...chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.RunResponse(ctx, steps...)
		return err
	})
}

// signIn signs the browser in through the login form as email.
func signIn(base, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		clearCookies,
		chromedp.Navigate(base+"/login?lang=zh"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), "e2e-password-1"),
		loadsPage(chromedp.Submit(chromedp.CSS(`#password`))),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}
