//go:build !unix

package persist

import "errors"

func mkfifo(string) error { return errors.ErrUnsupported }
