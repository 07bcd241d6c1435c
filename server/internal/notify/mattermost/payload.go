package mattermost

import (
	"fmt"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Mattermost takes posts of up to 16383 characters
// (https://developers.mattermost.com/integrate/webhooks/incoming/); attachments count
// toward it, so a digest shows its first events and counts the rest.
const (
	maxAttachments = 20
	maxDetail      = 500
	maxTitle       = 256
)

// payload is an incoming webhook's body, with Slack-style message attachments
// (https://developers.mattermost.com/integrate/reference/message-attachments/).
type payload struct {
	Text        string       `json:"text"`
	Username    string       `json:"username,omitempty"`
	IconURL     string       `json:"icon_url,omitempty"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Fallback  string  `json:"fallback"`
	Color     string  `json:"color"`
	Title     string  `json:"title"`
	TitleLink string  `json:"title_link,omitempty"`
	Text      string  `json:"text,omitempty"`
	Fields    []field `json:"fields,omitempty"`
	Footer    string  `json:"footer,omitempty"`
}

type field struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

func newPayload(msg notify.Message) payload {
	p := payload{Text: escape(notify.Subject(msg))}
	events := msg.Events
	if len(events) > maxAttachments {
		events = events[:maxAttachments]
	}
	for _, e := range events {
		p.Attachments = append(p.Attachments, newAttachment(e))
	}
	if more := len(msg.Events) - len(events); more > 0 {
		p.Text += fmt.Sprintf("\n…and %d more alerts, listed in the Certinel dashboard.", more)
	}
	return p
}

func newAttachment(e notify.Event) attachment {
	headline := notify.Headline(e)
	a := attachment{Fallback: headline, // plain text, for notifications
		Color: fmt.Sprintf("#%06X", notify.Colour(e)),
		Title: safetext.Fit(escape(headline), maxTitle), TitleLink: notify.DashboardURL(e)}
	for _, f := range notify.Fields(e) {
		switch f.Label {
		case "Detail":
			a.Text = escape(safetext.Fit(f.Value, maxDetail))
		case "SHA-256", "Previous SHA-256":
			a.Fields = append(a.Fields, field{Title: f.Label, Value: "`" + f.Value + "`"})
		default:
			a.Fields = append(a.Fields, field{Title: f.Label, Value: escape(f.Value), Short: true})
		}
	}
	if org := e.Organization.Name; org != "" {
		a.Footer = "Certinel · " + escape(org)
	}
	return a
}

// escape keeps Mattermost's Markdown from reading peer text as formatting, links or
// HTML, and breaks @mentions (@channel, @all, @here) with a zero-width space so alert
// text never notifies a whole channel.
var escape = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`<`, `\<`, `>`, `\>`, `[`, `\[`, `]`, `\]`, `#`, `\#`, `@`, "@\u200b",
).Replace
