package telegram

import (
	"fmt"
	"html"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Telegram takes at most 4096 characters of text after its entities are parsed
// (https://core.telegram.org/bots/api#sendmessage), so the text shown is counted, not
// its markup; bytes are counted, which is stricter. A detail is cut before it is
// escaped, so a cut never splits an entity or a tag.
const (
	maxText   = 4096
	maxDetail = 1000
	// reserve keeps room for the line that counts the events left out.
	reserve = 100
)

// render writes the message in Telegram's HTML: each event's headline in bold (a link
// to the dashboard), then its facts. Every value is escaped, so text a peer controls
// cannot open a tag.
func render(msg notify.Message) string {
	var b strings.Builder
	shown := 0
	if len(msg.Events) > 1 {
		title := strings.TrimPrefix(notify.Subject(msg), "[Certinel] ")
		b.WriteString("<b>" + esc(title) + "</b>\n")
		shown += len(title) + 1
	}
	for i, e := range msg.Events {
		block, n := event(e)
		if shown += n; shown > maxText-reserve && i > 0 {
			fmt.Fprintf(&b, "\n…and %d more alerts, listed in the Certinel dashboard.", len(msg.Events)-i)
			break
		}
		b.WriteString(block)
	}
	return strings.TrimSpace(b.String())
}

// event renders one event and counts the characters it shows.
func event(e notify.Event) (string, int) {
	var b strings.Builder
	b.WriteString("\n")
	headline := "<b>" + esc(notify.Headline(e)) + "</b>"
	shown := 2 + len(notify.Headline(e))
	if u := notify.DashboardURL(e); u != "" {
		headline = `<a href="` + esc(u) + `">` + headline + "</a>"
	}
	b.WriteString(headline + "\n")
	for _, f := range notify.Fields(e) {
		raw := f.Value
		if f.Label == "Detail" {
			raw = safetext.Fit(raw, maxDetail)
		}
		v := esc(raw)
		shown += len(f.Label) + 3 + len(raw)
		switch f.Label {
		case "SHA-256", "Previous SHA-256":
			v = "<code>" + v + "</code>"
		}
		b.WriteString(esc(f.Label) + ": " + v + "\n")
	}
	return b.String(), shown
}

// esc escapes the characters Telegram's HTML mode reserves: &, <, > and, in href, the
// quote. html.EscapeString also escapes the apostrophe, which Telegram accepts as &#39;.
func esc(s string) string { return html.EscapeString(s) }
