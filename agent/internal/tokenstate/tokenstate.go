// Package tokenstate keeps the agent token the agent rotated to, in a file
// of its state directory (the spool directory), so that a rotation survives
// restarts although the env file still holds the token it replaced.
//
// The file records a hash of the configured token it supersedes: when
// someone puts a different token in CERTINEL_AGENT_TOKEN (as after a revoking
// rotation made in the dashboard), the configured one wins and the file is
// dropped, so a stale file never locks the agent out.
package tokenstate

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"certinel.dev/agent/internal/atomicfile"
)

// FileName is the state file, beside the spooled batches (the spool ignores
// files that are not its own).
const FileName = "agent-token"

// State is the agent's token state in dir, for the configured token.
type State struct {
	Dir        string
	Configured string
}

type file struct {
	Token string `json:"token"`
	// Replaces is the SHA-256 of the configured token this one superseded.
	Replaces string `json:"replaces"`
}

func (s State) path() string { return filepath.Join(s.Dir, FileName) }

func hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Current is the token to use: the rotated one when it supersedes the
// configured token, else the configured one.
func (s State) Current() (string, error) {
	data, err := os.ReadFile(s.path())
	if errors.Is(err, fs.ErrNotExist) {
		return s.Configured, nil
	}
	if err != nil {
		return "", fmt.Errorf("tokenstate: read %s: %w", s.path(), err)
	}
	var f file
	if err := json.Unmarshal(data, &f); err != nil || f.Token == "" {
		return "", fmt.Errorf("tokenstate: %s is not a token state file; remove it to use CERTINEL_AGENT_TOKEN", s.path())
	}
	if subtle.ConstantTimeCompare([]byte(f.Replaces), []byte(hash(s.Configured))) != 1 {
		// The configured token was changed by hand since: it wins.
		if err := os.Remove(s.path()); err != nil {
			return "", fmt.Errorf("tokenstate: drop stale %s: %w", s.path(), err)
		}
		return s.Configured, nil
	}
	return f.Token, nil
}

// Save records token as the one to use from now on, mode 0600, atomically.
func (s State) Save(token string) error {
	data, err := json.Marshal(file{Token: token, Replaces: hash(s.Configured)})
	if err != nil {
		return fmt.Errorf("tokenstate: encode: %w", err)
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("tokenstate: create %s: %w", s.Dir, err)
	}
	if err := atomicfile.Write(s.path(), data, 0o600); err != nil {
		return fmt.Errorf("tokenstate: %w", err)
	}
	return nil
}

// Fetcher gets a next token from the server and switches requests to it.
type Fetcher interface {
	NextToken(ctx context.Context) (string, error)
	SetAgentToken(token string)
}

// Rotate fetches a next token, keeps it, and only then switches to it: the
// server retires the current token on the first request with the new one,
// so the new one must be on disk by then. When anything fails first, the
// current token goes on working and the rotation can be asked again.
func Rotate(ctx context.Context, c Fetcher, s State) (string, error) {
	token, err := c.NextToken(ctx)
	if err != nil {
		return "", err
	}
	if err := s.Save(token); err != nil {
		return "", err
	}
	c.SetAgentToken(token)
	return token, nil
}
