package webhook

import (
	"strconv"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Slack limits (https://api.slack.com/reference/block-kit): a message holds at most 50
// blocks; a header's text at most 150 characters; a section's text 3000, its fields 10
// of 2000 each; a button's text 75 and its URL 3000.
const (
	slackMaxBlocks  = 50
	slackMaxHeader  = 150
	slackMaxSection = 3000
	slackMaxFields  = 10
	slackMaxField   = 2000
	slackMaxURL     = 3000
)

// slackPayload is what Slack incoming webhooks accept: text is the notification and the
// fallback for clients that do not render blocks, blocks the Block Kit message.
type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type      string        `json:"type"` // header | section | context
	Text      *slackText    `json:"text,omitempty"`
	Fields    []slackText   `json:"fields,omitempty"`
	Accessory *slackElement `json:"accessory,omitempty"`
	Elements  []slackText   `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"` // plain_text | mrkdwn
	Text string `json:"text"`
}

// slackElement is the "View in Certinel" link button of a section.
type slackElement struct {
	Type string    `json:"type"` // button
	Text slackText `json:"text"`
	URL  string    `json:"url"`
}

// newSlackPayload renders a header (the headline, or the digest's count), one section
// per event with its facts as fields and a button to its page, and a context line.
func newSlackPayload(msg notify.Message) slackPayload {
	p := slackPayload{Text: notify.Subject(msg)}
	title := strings.TrimPrefix(p.Text, "[Certinel] ")
	p.Blocks = append(p.Blocks, slackBlock{Type: "header", Text: &slackText{"plain_text", safetext.Fit(title, slackMaxHeader)}})
	events := msg.Events
	if room := slackMaxBlocks - 2; len(events) > room { // the header and the context line
		events = events[:room]
	}
	for _, e := range events {
		p.Blocks = append(p.Blocks, slackSection(e))
	}
	context := "Certinel"
	if org := msg.Events[0].Organization.Name; org != "" {
		context += " · " + slackEscape(org)
	}
	if more := len(msg.Events) - len(events); more > 0 {
		context += " · …and " + strconv.Itoa(more) + " more alerts, listed in the Certinel dashboard."
	}
	p.Blocks = append(p.Blocks, slackBlock{Type: "context", Elements: []slackText{{"mrkdwn", context}}})
	return p
}

// slackSection renders one event: the headline in bold, then its facts as two-column
// fields; facts beyond Slack's ten fields go on lines under the headline.
func slackSection(e notify.Event) slackBlock {
	var text strings.Builder
	text.WriteString("*" + slackEscape(notify.Headline(e)) + "*")
	var fields []slackText
	for i, f := range notify.Fields(e) {
		value := slackEscape(f.Value)
		if f.Label == "SHA-256" || f.Label == "Previous SHA-256" {
			value = "`" + value + "`"
		}
		if i < slackMaxFields {
			fields = append(fields, slackText{"mrkdwn", safetext.Fit("*"+f.Label+"*\n"+value, slackMaxField)})
		} else {
			text.WriteString("\n*" + f.Label + ":* " + value)
		}
	}
	b := slackBlock{Type: "section", Text: &slackText{"mrkdwn", safetext.Fit(text.String(), slackMaxSection)}, Fields: fields}
	if u := notify.DashboardURL(e); u != "" && len(u) <= slackMaxURL {
		b.Accessory = &slackElement{Type: "button", Text: slackText{"plain_text", "View in Certinel"}, URL: u}
	}
	return b
}

// slackEscape escapes the three characters Slack reserves for links and mentions, so a
// host name or error text cannot ping @channel or forge a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
