package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

// assets serves the static files under /static/. Pages link them with a content
// hash (?v=…), so a linked version can be cached for a year and a new build is
// fetched at once; a request without the current hash is cached briefly.
type assets struct {
	fsys   fs.FS
	dev    bool
	hashes map[string]string // path inside fsys → short content hash
}

func newAssets(fsys fs.FS, dev bool) (*assets, error) {
	a := &assets{fsys: fsys, dev: dev, hashes: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		a.hashes[path] = contentHash(data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return a, nil
}

func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

// URL is the address of a static file with its content hash.
func (a *assets) URL(name string) string {
	if a.dev {
		return "/static/" + name + "?v=" + fmt.Sprint(time.Now().Unix())
	}
	return "/static/" + name + "?v=" + a.hashes[name]
}

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if !fs.ValidPath(name) || name == "." {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(a.fsys, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	hash := contentHash(data)
	h := w.Header()
	h.Set("ETag", `"`+hash+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	switch {
	case a.dev:
		h.Set("Cache-Control", "no-cache")
	case r.URL.Query().Get("v") == hash:
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		h.Set("Cache-Control", "public, max-age=3600")
	}
	// ServeContent sets the type from the extension and answers If-None-Match.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
