package teams

import (
	"fmt"

	"certinel.dev/server/internal/notify"
)

// maxCardEvents bounds how many events one card lists, to stay well under the size
// Teams accepts (about 28 KB); the rest are counted.
const maxCardEvents = 15

// message is the body a Workflows webhook expects: a message with one Adaptive Card
// attachment.
type message struct {
	Type        string       `json:"type"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	ContentType string `json:"contentType"`
	ContentURL  any    `json:"contentUrl"` // always null; Teams' examples include it
	Content     card   `json:"content"`
}

type card struct {
	Schema  string    `json:"$schema"`
	Type    string    `json:"type"`
	Version string    `json:"version"`
	MSTeams msteams   `json:"msteams"`
	Body    []element `json:"body"`
	Actions []action  `json:"actions,omitempty"`
}

type msteams struct {
	Width string `json:"width"`
}

// element is a TextBlock, FactSet or ActionSet; unused fields stay out.
type element struct {
	Type      string   `json:"type"`
	Text      string   `json:"text,omitempty"`
	Weight    string   `json:"weight,omitempty"`
	Size      string   `json:"size,omitempty"`
	Color     string   `json:"color,omitempty"`
	Wrap      bool     `json:"wrap,omitempty"`
	Separator bool     `json:"separator,omitempty"`
	Facts     []fact   `json:"facts,omitempty"`
	Actions   []action `json:"actions,omitempty"`
}

type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type action struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func newMessage(msg notify.Message) message {
	c := card{
		Schema:  "http://adaptivecards.io/schemas/adaptive-card.json",
		Type:    "AdaptiveCard",
		Version: "1.4",
		MSTeams: msteams{Width: "Full"},
	}
	if len(msg.Events) == 1 {
		e := msg.Events[0]
		c.Body = eventElements(e, "Large")
		if u := notify.DashboardURL(e); u != "" {
			c.Actions = []action{openURL(u)}
		}
	} else {
		c.Body = []element{{Type: "TextBlock", Text: notify.Subject(msg), Weight: "Bolder", Size: "Large", Wrap: true}}
		for _, e := range msg.Events[:min(len(msg.Events), maxCardEvents)] {
			els := eventElements(e, "Medium")
			els[0].Separator = true
			if u := notify.DashboardURL(e); u != "" {
				els = append(els, element{Type: "ActionSet", Actions: []action{openURL(u)}})
			}
			c.Body = append(c.Body, els...)
		}
		if more := len(msg.Events) - maxCardEvents; more > 0 {
			c.Body = append(c.Body, element{Type: "TextBlock", Text: fmt.Sprintf("… and %s more in the dashboard.", notify.Thousands(more)),
				Wrap: true, Separator: true})
		}
	}
	return message{
		Type:        "message",
		Attachments: []attachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: c}},
	}
}

// eventElements are the headline, coloured by severity, and the facts of e.
func eventElements(e notify.Event, size string) []element {
	els := []element{{Type: "TextBlock", Text: notify.Headline(e), Weight: "Bolder", Size: size, Color: color(e), Wrap: true}}
	var facts []fact
	for _, f := range notify.Fields(e) {
		facts = append(facts, fact{Title: f.Label, Value: f.Value})
	}
	if len(facts) > 0 {
		els = append(els, element{Type: "FactSet", Facts: facts})
	}
	return els
}

// color is the headline's colour: green once resolved, else by severity.
func color(e notify.Event) string {
	switch {
	case e.Type == notify.TypeResolved:
		return "Good"
	case e.Type == notify.TypeTest:
		return "Default"
	}
	switch notify.SeverityOf(e) {
	case notify.SeverityCritical:
		return "Attention"
	case notify.SeverityWarning:
		return "Warning"
	}
	return "Default"
}

func openURL(u string) action {
	return action{Type: "Action.OpenUrl", Title: "Open in Certinel", URL: u}
}
