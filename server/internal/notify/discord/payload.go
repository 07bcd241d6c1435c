package discord

import (
	"fmt"
	"strings"
	"time"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
// 10 embeds per message, 6000 characters over all of them, a title of 256, a
// description of 4096, 25 fields of 256 and 1024. Bytes are counted, which is stricter.
const (
	maxEmbeds      = 10
	maxEmbedsChars = 6000
	maxTitle       = 256
	maxDescription = 2048 // well under 4096, so two long details still share a message
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 256
	// maxMessages bounds one digest: Discord allows a webhook about 30 messages a
	// minute, and the dashboard lists the rest.
	maxMessages = 5
)

// payload is a webhook message. allowed_mentions with no parse list means no text of
// ours, however hostile, can ping @everyone, a role or a user.
type payload struct {
	Content         string          `json:"content,omitempty"`
	Embeds          []embed         `json:"embeds"`
	AllowedMentions allowedMentions `json:"allowed_mentions"`
}

type allowedMentions struct {
	Parse []string `json:"parse"`
}

type embed struct {
	Title       string  `json:"title"`
	Description string  `json:"description,omitempty"`
	URL         string  `json:"url,omitempty"`
	Color       uint32  `json:"color"`
	Fields      []field `json:"fields,omitempty"`
	Footer      *footer `json:"footer,omitempty"`
	Timestamp   string  `json:"timestamp,omitempty"`
}

type field struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

type footer struct {
	Text string `json:"text"`
}

// payloads splits msg into as few messages as Discord's limits allow; a digest beyond
// maxMessages ends with a line that counts the events left out.
func payloads(msg notify.Message) []payload {
	var out []payload
	cur, size := payload{}, 0
	for i, e := range msg.Events {
		em := newEmbed(e)
		n := embedSize(em)
		if len(cur.Embeds) == maxEmbeds || len(cur.Embeds) > 0 && size+n > maxEmbedsChars {
			out = append(out, cur)
			cur, size = payload{}, 0
			if len(out) == maxMessages {
				out[len(out)-1].Content = fmt.Sprintf("…and %d more alerts, listed in the Certinel dashboard.", len(msg.Events)-i)
				break
			}
		}
		cur.Embeds = append(cur.Embeds, em)
		size += n
	}
	if len(cur.Embeds) > 0 {
		out = append(out, cur)
	}
	if len(msg.Events) > 1 {
		out[0].Content = escape(strings.TrimPrefix(notify.Subject(msg), "[Certinel] "))
	}
	for i := range out {
		out[i].AllowedMentions.Parse = []string{}
	}
	return out
}

func newEmbed(e notify.Event) embed {
	em := embed{Title: safetext.Fit(escape(notify.Headline(e)), maxTitle), URL: notify.DashboardURL(e), Color: notify.Colour(e)}
	for _, f := range notify.Fields(e) {
		switch f.Label {
		case "Detail":
			em.Description = safetext.Fit(escape(f.Value), maxDescription)
		case "Occurred":
			em.Timestamp = e.OccurredAt.UTC().Format(time.RFC3339)
		case "SHA-256", "Previous SHA-256":
			em.Fields = append(em.Fields, field{Name: f.Label, Value: "`" + f.Value + "`"})
		default:
			em.Fields = append(em.Fields, field{Name: safetext.Fit(f.Label, maxFieldName), Value: safetext.Fit(escape(f.Value), maxFieldValue), Inline: true})
		}
	}
	if org := e.Organization.Name; org != "" {
		em.Footer = &footer{Text: safetext.Fit("Certinel · "+escape(org), maxFooter)}
	}
	return em
}

func embedSize(em embed) int {
	n := len(em.Title) + len(em.Description)
	for _, f := range em.Fields {
		n += len(f.Name) + len(f.Value)
	}
	if em.Footer != nil {
		n += len(em.Footer.Text)
	}
	return n
}

// escape keeps Discord's markdown from reading peer text as formatting or links: each
// special character is shown as itself. Mentions are disarmed by allowed_mentions.
var escape = strings.NewReplacer(
	`\`, `\\`, `*`, `\*`, `_`, `\_`, `~`, `\~`, "`", "\\`", `|`, `\|`,
	`<`, `\<`, `>`, `\>`, `[`, `\[`, `]`, `\]`, `#`, `\#`,
).Replace
