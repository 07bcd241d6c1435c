package email

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/wneessen/go-mail"
)

// dialer connects to the relay so that the connection cannot outlive ctx. go-mail bounds
// each step with its own timeout and extends the deadline as it goes, and it ignores the
// context once connected; clamping every deadline to ctx's makes ctx bound the whole
// send, and closing the connection when ctx ends interrupts a cancelled send (shutdown)
// and reclaims connections go-mail leaves open after a failed greeting.
//
// dial nil is a plain net.Dialer. With implicit TLS the handshake happens here, under the clamp, and go-mail sees a
// *tls.Conn, which is how it knows credentials may be sent.
func dialer(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), implicitTLS *tls.Config) mail.DialContextFunc {
	if dial == nil {
		var d net.Dialer
		dial = d.DialContext
	}
	return func(dialCtx context.Context, network, address string) (net.Conn, error) {
		raw, err := dial(dialCtx, network, address)
		if err != nil {
			return nil, err
		}
		conn := bind(ctx, raw)
		if implicitTLS == nil {
			return conn, nil
		}
		tc := tls.Client(conn, implicitTLS)
		if err := tc.HandshakeContext(dialCtx); err != nil {
			tc.Close()
			return nil, err
		}
		return tc, nil
	}
}

// boundConn is a connection whose deadlines never reach past its context's, and which
// is closed when the context ends.
type boundConn struct {
	net.Conn
	ctx  context.Context
	stop func() bool
}

func bind(ctx context.Context, c net.Conn) *boundConn {
	b := &boundConn{Conn: c, ctx: ctx}
	b.stop = context.AfterFunc(ctx, func() { c.Close() })
	_ = b.SetDeadline(time.Time{})
	return b
}

// clamp returns the earlier of t and ctx's deadline; the zero t means no deadline.
func (b *boundConn) clamp(t time.Time) time.Time {
	if d, ok := b.ctx.Deadline(); ok && (t.IsZero() || d.Before(t)) {
		return d
	}
	return t
}

func (b *boundConn) SetDeadline(t time.Time) error      { return b.Conn.SetDeadline(b.clamp(t)) }
func (b *boundConn) SetReadDeadline(t time.Time) error  { return b.Conn.SetReadDeadline(b.clamp(t)) }
func (b *boundConn) SetWriteDeadline(t time.Time) error { return b.Conn.SetWriteDeadline(b.clamp(t)) }

func (b *boundConn) Close() error {
	b.stop()
	return b.Conn.Close()
}
