package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/client"
)

// Environment variables read by the client commands.
const (
	envServer   = "TECHMARKET_SERVER"
	envToken    = "TECHMARKET_TOKEN"
	envLang     = "TECHMARKET_LANG"
	envPassword = "TECHMARKET_PASSWORD"
)

// clientConfig is what `techmarket login` remembers, in
// $XDG_CONFIG_HOME/techmarket/client.json (mode 0600: it holds a bearer token).
type clientConfig struct {
	Server  string `json:"server"`
	Token   string `json:"token,omitempty"`
	TokenID string `json:"token_id,omitempty"`
	Email   string `json:"email,omitempty"`
}

func clientConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory: %w", err)
	}
	return filepath.Join(dir, "techmarket", "client.json"), nil
}

// loadClientConfig reads the saved login; a missing file is an empty config.
func loadClientConfig() (clientConfig, error) {
	var c clientConfig
	path, err := clientConfigPath()
	if err != nil {
		return c, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("read %s: %w (delete it and run techmarket login again)", path, err)
	}
	return c, nil
}

// saveClientConfig writes the config readable by the owner only, replacing the
// old file atomically so a crash never leaves half a token behind.
func saveClientConfig(c clientConfig) (string, error) {
	path, err := clientConfigPath()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".client-*.json")
	if err != nil {
		return "", fmt.Errorf("save login: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", fmt.Errorf("save login: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return "", fmt.Errorf("save login: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("save login: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("save login: %w", err)
	}
	return path, nil
}

// clientOptions are the connection flags of every command that calls the API.
// Precedence: flag, then environment, then the saved login.
type clientOptions struct {
	server string
	token  string
	lang   string
}

func (o *clientOptions) bind(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&o.server, "server", "", "server URL, e.g. https://market.example.cn (env "+envServer+"; default: the one you logged in to)")
	f.StringVar(&o.token, "token", "", "API token (env "+envToken+"; default: the one saved by techmarket login)")
	f.StringVar(&o.lang, "lang", "", "language of titles and messages: zh or en (env "+envLang+"; default from LANG)")
}

// language picks zh or en for output.
func (o *clientOptions) language() string {
	for _, l := range []string{o.lang, os.Getenv(envLang)} {
		if l == "zh" || l == "en" {
			return l
		}
	}
	if strings.HasPrefix(os.Getenv("LANG"), "zh") {
		return "zh"
	}
	return "en"
}

// client builds the API client from flags, environment and the saved login.
func (o *clientOptions) client() (*client.Client, error) {
	saved, err := loadClientConfig()
	if err != nil {
		return nil, err
	}
	server := firstNonEmpty(o.server, os.Getenv(envServer), saved.Server)
	token := firstNonEmpty(o.token, os.Getenv(envToken), saved.Token)
	if server == "" {
		return nil, errors.New("no server: run `techmarket login --server URL --email E`, or pass --server or set " + envServer)
	}
	c := client.New(server, token)
	c.UserAgent = "techmarket-cli"
	c.Lang = o.language()
	return c, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// apiFailure turns an API error into the CLI's message: the problem's detail,
// then each field at fault on its own line, in the user's language.
func apiFailure(err error, lang string) error {
	var e *client.Error
	if !errors.As(err, &e) {
		return err
	}
	var b strings.Builder
	detail := e.Problem.Detail
	if detail == "" {
		detail = e.Problem.Title
	}
	fmt.Fprintf(&b, "%s (HTTP %d)", detail, e.StatusCode)
	if e.Problem.Line > 0 {
		fmt.Fprintf(&b, " at line %d, column %d", e.Problem.Line, e.Problem.Column)
	}
	for _, f := range e.Problem.Errors {
		msg := f.Message
		if lang == "zh" && f.MessageZh != "" {
			msg = f.MessageZh
		}
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, msg)
	}
	if e.StatusCode == 401 {
		b.WriteString("\n  sign in with `techmarket login`, or check --token / " + envToken)
	}
	return &exitError{code: 1, err: errors.New(b.String())}
}

// readPassword takes the password from the flag, then TECHMARKET_PASSWORD, then
// asks: without echo on a terminal (twice when confirm), else one line of stdin.
func readPassword(cmd *cobra.Command, flagValue, prompt string, confirm bool) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv(envPassword); v != "" {
		return v, nil
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(cmd.ErrOrStderr(), prompt)
		p, err := readHiddenLine(f)
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if confirm {
			fmt.Fprint(cmd.ErrOrStderr(), "Repeat the password: ")
			again, err := readHiddenLine(f)
			fmt.Fprintln(cmd.ErrOrStderr())
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			if again != p {
				return "", errors.New("the passwords differ")
			}
		}
		return p, nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("no password: pass --password, set %s or type it on standard input", envPassword)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// printJSON writes v indented, for --json output.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
