package web_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/techmarket-org/techmarket/internal/app"
	"github.com/techmarket-org/techmarket/internal/domain"
	"github.com/techmarket-org/techmarket/internal/store/storetest"
)

// BenchmarkPages measures whole requests (middleware, queries, rendering) over a
// market of 500 published listings on SQLite:
//
//	go test ./internal/web/ -run '^$' -bench Pages -benchtime 200x
func BenchmarkPages(b *testing.B) {
	e := newEnv(b, storetest.SQLite(b), app.Config{})
	fields := domain.TechFields.Codes()
	var lastID string
	for i := 0; i < 500; i++ {
		in := sampleAchievement()
		in.TitleZh = fmt.Sprintf("%s 第%d号", in.TitleZh, i)
		in.Field = fields[i%len(fields)]
		lastID = mustPublish(b, e, in)
	}
	for _, page := range []struct{ name, path string }{
		{"home", "/"}, {"browse", "/listings"}, {"search", "/listings?q=%E7%94%B5%E6%B1%A0&field=NE&page=2"},
		{"detail", "/listings/" + lastID},
	} {
		path := page.path
		b.Run(page.name, func(b *testing.B) {
			c := &http.Client{}
			for i := 0; i < b.N; i++ {
				resp, err := c.Get(e.srv.URL + path)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", path, resp.StatusCode)
				}
			}
		})
	}
}
