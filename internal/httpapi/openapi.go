package httpapi

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
)

// The spec is kept as a base document (openapi.json: info, security, shared
// schemas and the foundation's paths) plus one fragment per capability in
// openapi/*.json, each holding "tags", "paths" and "components"."schemas". They
// are merged once at start; a path or schema defined twice is a build error
// caught by TestOpenAPICoversRoutes. TestOpenAPICoversRoutes keeps the merged
// document and routes.go in step.
//
//go:embed openapi.json openapi
var openAPIFiles embed.FS

var openAPIDocument = mustMergeOpenAPI(openAPIFiles)

func mustMergeOpenAPI(fsys fs.FS) []byte {
	b, err := mergeOpenAPI(fsys)
	if err != nil {
		panic(err)
	}
	return b
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	var base map[string]any
	raw, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &base); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	paths := base["paths"].(map[string]any)
	schemas := base["components"].(map[string]any)["schemas"].(map[string]any)
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		var frag struct {
			Tags       []any          `json:"tags"`
			Paths      map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &frag); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for p, v := range frag.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("%s: path %s is already described", name, p)
			}
			paths[p] = v
		}
		for s, v := range frag.Components.Schemas {
			if _, dup := schemas[s]; dup {
				return nil, fmt.Errorf("%s: schema %s is already described", name, s)
			}
			schemas[s] = v
		}
		if len(frag.Tags) > 0 {
			tags, _ := base["tags"].([]any)
			base["tags"] = append(tags, frag.Tags...)
		}
	}
	return json.Marshal(base)
}

func (h *api) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDocument)
	return nil
}
