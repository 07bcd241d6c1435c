package webhook

import (
	"strconv"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// Slack limits (https://api.slack.com/reference/block-kit): a message holds at most 50
// blocks, a section's text at most 3000 characters, a header's at most 150.
const (
	slackMaxBlocks  = 50
	slackMaxSection = 3000
	slackMaxHeader  = 150
)

// slackPayload is what Slack incoming webhooks accept: text is the notification and
// fallback line, blocks the rendered message.
type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

type slackBlock struct {
	Type     string      `json:"type"` // header | section | context
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackText struct {
	Type string `json:"type"` // plain_text | mrkdwn
	Text string `json:"text"`
}

func newSlackPayload(msg notify.Message) slackPayload {
	p := slackPayload{Text: notify.Subject(msg)}
	if len(msg.Events) == 1 {
		p.Blocks = []slackBlock{slackSection(msg.Events[0])}
		return p
	}
	title := strings.TrimPrefix(p.Text, "[Certinel] ")
	p.Blocks = append(p.Blocks, slackBlock{Type: "header", Text: &slackText{"plain_text", safetext.Fit(title, slackMaxHeader)}})
	events := msg.Events
	if room := slackMaxBlocks - 1; len(events) > room {
		// One block for the header, one for the "more" line.
		events = events[:room-1]
	}
	for _, e := range events {
		p.Blocks = append(p.Blocks, slackSection(e))
	}
	if more := len(msg.Events) - len(events); more > 0 { // at least 2: one would fit
		line := "…and " + strconv.Itoa(more) + " more alerts, listed in the Certinel dashboard."
		p.Blocks = append(p.Blocks, slackBlock{Type: "context", Elements: []slackText{{"mrkdwn", line}}})
	}
	return p
}

// slackSection renders one event: the headline in bold (linked to the dashboard), then
// one line per field.
func slackSection(e notify.Event) slackBlock {
	var b strings.Builder
	headline := slackEscape(notify.Headline(e))
	if u := notify.DashboardURL(e); u != "" {
		headline = "<" + slackEscape(u) + "|" + headline + ">"
	}
	b.WriteString("*" + headline + "*")
	for _, f := range notify.Fields(e) {
		value := slackEscape(f.Value)
		if f.Label == "SHA-256" || f.Label == "Previous SHA-256" {
			value = "`" + value + "`"
		}
		b.WriteString("\n*" + f.Label + ":* " + value)
	}
	return slackBlock{Type: "section", Text: &slackText{"mrkdwn", safetext.Fit(b.String(), slackMaxSection)}}
}

// slackEscape escapes the three characters Slack reserves for links and mentions, so a
// host name or error text cannot ping @channel or forge a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
