package search

import "os"

func osTruncate(path string, size int64) error { return os.Truncate(path, size) }
