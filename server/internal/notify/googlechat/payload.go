package googlechat

import (
	"fmt"
	"html"
	"strings"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/safetext"
)

// A Google Chat message holds at most 32,000 bytes
// (https://developers.google.com/workspace/chat/create-messages), so a digest shows its
// first events, one section each, and counts the rest.
const (
	maxSections = 20
	maxDetail   = 500
	maxHeader   = 200
)

// payload is a message with a text line, shown in notifications, and a card.
type payload struct {
	Text    string   `json:"text"`
	CardsV2 []cardV2 `json:"cardsV2"`
}

type cardV2 struct {
	CardID string `json:"cardId"`
	Card   card   `json:"card"`
}

type card struct {
	Header   header    `json:"header"`
	Sections []section `json:"sections"`
}

type header struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

type section struct {
	Header  string   `json:"header,omitempty"`
	Widgets []widget `json:"widgets"`
}

// widget is one of decoratedText, textParagraph or buttonList.
type widget struct {
	DecoratedText *decoratedText `json:"decoratedText,omitempty"`
	TextParagraph *textParagraph `json:"textParagraph,omitempty"`
	ButtonList    *buttonList    `json:"buttonList,omitempty"`
}

type decoratedText struct {
	TopLabel string `json:"topLabel"`
	Text     string `json:"text"`
	WrapText bool   `json:"wrapText"`
}

type textParagraph struct {
	Text string `json:"text"`
}

type buttonList struct {
	Buttons []button `json:"buttons"`
}

type button struct {
	Text    string  `json:"text"`
	OnClick onClick `json:"onClick"`
}

type onClick struct {
	OpenLink openLink `json:"openLink"`
}

type openLink struct {
	URL string `json:"url"`
}

func newPayload(msg notify.Message) payload {
	subject := strings.TrimPrefix(notify.Subject(msg), "[Certinel] ")
	c := card{Header: header{Title: safetext.Fit(subject, maxHeader), Subtitle: "Certinel"}}
	if org := msg.Events[0].Organization.Name; org != "" {
		c.Header.Subtitle = safetext.Fit("Certinel · "+org, maxHeader)
	}
	events := msg.Events
	if len(events) > maxSections {
		events = events[:maxSections]
	}
	for _, e := range events {
		s := newSection(e)
		if len(msg.Events) > 1 {
			s.Header = esc(safetext.Fit(notify.Headline(e), maxHeader))
		}
		c.Sections = append(c.Sections, s)
	}
	if more := len(msg.Events) - len(events); more > 0 {
		line := fmt.Sprintf("…and %d more alerts, listed in the Certinel dashboard.", more)
		c.Sections = append(c.Sections, section{Widgets: []widget{{TextParagraph: &textParagraph{line}}}})
	}
	return payload{Text: plain(subject), CardsV2: []cardV2{{CardID: "certinel-" + msg.Events[0].ID, Card: c}}}
}

// newSection shows an event's facts and a button to its page in the dashboard.
func newSection(e notify.Event) section {
	var s section
	for _, f := range notify.Fields(e) {
		v := f.Value
		if f.Label == "Detail" {
			v = safetext.Fit(v, maxDetail)
		}
		s.Widgets = append(s.Widgets, widget{DecoratedText: &decoratedText{TopLabel: f.Label, Text: esc(v), WrapText: true}})
	}
	if u := notify.DashboardURL(e); u != "" {
		s.Widgets = append(s.Widgets, widget{ButtonList: &buttonList{Buttons: []button{{Text: "Open in Certinel", OnClick: onClick{openLink{u}}}}}})
	}
	return s
}

// esc escapes card text, which Google Chat reads as a subset of HTML.
func esc(s string) string { return html.EscapeString(s) }

// plain keeps the message's text line from holding Google Chat markup: "<users/all>"
// would notify everyone in the space, "<url|text>" forge a link. Angle brackets become
// look-alikes, as the text line has no escape.
var plain = strings.NewReplacer("<", "‹", ">", "›").Replace
