package httpapi_test

import (
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"certinel.dev/server/internal/notify/email"
)

// mailbox is a real SMTP server (emersion/go-smtp) on loopback; each
// message it accepts arrives on its channel.
type mailbox struct {
	port int
	got  chan mailed
}

type mailed struct {
	to   []string
	data []byte
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{got: make(chan mailed, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }))
	srv.Domain = "mx.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return m
}

// sender is the server's mailer, relaying through this mailbox.
func (m *mailbox) sender() *email.Provider {
	return email.New(email.Config{Host: "127.0.0.1", Port: m.port, TLS: email.TLSNone, From: "certinel@example.com"})
}

// next waits for the next message; the bound only keeps a broken sender
// from hanging the test.
func (m *mailbox) next(t *testing.T) mailed {
	t.Helper()
	select {
	case msg := <-m.got:
		return msg
	case <-time.After(30 * time.Second):
		t.Fatal("no mail arrived")
		return mailed{}
	}
}

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) AuthMechanisms() []string                  { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *mailSession) Reset()                                    { s.to = nil }
func (s *mailSession) Logout() error                             { return nil }

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.box.got <- mailed{to: s.to, data: data}
	return nil
}
