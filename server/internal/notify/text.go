package notify

import (
	"fmt"
	"strings"
)

// Text is the plain-text body of a message: each event's headline and facts, then the
// dashboard link. It is the email body and the fallback wherever rich text is not shown.
func Text(msg Message) string {
	var b strings.Builder
	if len(msg.Events) == 1 {
		writeEvent(&b, msg.Events[0], "")
	} else {
		fmt.Fprintf(&b, "%s\n", strings.TrimPrefix(Subject(msg), subjectPrefix))
		for i, e := range msg.Events {
			fmt.Fprintf(&b, "\n%d. ", i+1)
			writeEvent(&b, e, "   ")
		}
	}
	b.WriteString("\n-- \n")
	b.WriteString("Sent by Certinel because an alert rule")
	if len(msg.Events) > 0 && msg.Events[0].Organization.Name != "" {
		b.WriteString(" of " + oneLine(msg.Events[0].Organization.Name))
	}
	b.WriteString(" delivers to this channel.\n")
	return b.String()
}

// writeEvent writes the headline, then the fields with their values aligned, each line
// after the first indented by indent.
func writeEvent(b *strings.Builder, e Event, indent string) {
	b.WriteString(Headline(e) + "\n")
	fields := Fields(e)
	if u := DashboardURL(e); u != "" {
		fields = append(fields, Field{"Dashboard", u})
	}
	width := 0
	for _, f := range fields {
		width = max(width, len(f.Label))
	}
	if len(fields) > 0 {
		b.WriteString("\n")
	}
	for _, f := range fields {
		fmt.Fprintf(b, "%s%-*s  %s\n", indent, width+1, f.Label+":", f.Value)
	}
}
