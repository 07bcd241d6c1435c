package email

import (
	"html/template"
	"strings"

	"certinel.dev/server/internal/notify"
)

// htmlTemplate is deliberately plain: inline styles only (mail clients drop <style>),
// no images or remote content. html/template escapes every value.
var htmlTemplate = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html><body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; font-size: 14px; color: #1f2328;">
{{- if .Title}}
<h2 style="font-size: 18px;">{{.Title}}</h2>
{{- end}}
{{- range .Events}}
<h3 style="font-size: 16px; margin: 20px 0 8px;">{{if .URL}}<a href="{{.URL}}">{{.Headline}}</a>{{else}}{{.Headline}}{{end}}</h3>
<table style="border-collapse: collapse;">
{{- range .Fields}}
<tr><td style="padding: 2px 12px 2px 0; color: #59636e; vertical-align: top;">{{.Label}}</td><td style="padding: 2px 0;{{if .Mono}} font-family: monospace;{{end}}">{{.Value}}</td></tr>
{{- end}}
</table>
{{- end}}
<p style="margin-top: 24px; color: #59636e; font-size: 12px;">{{.Footer}}</p>
</body></html>
`))

type htmlEvent struct {
	Headline, URL string
	Fields        []htmlField
}

type htmlField struct {
	notify.Field
	Mono bool
}

// renderHTML shows the same headline and fields as notify.Text, so both parts of the
// email say the same thing.
func renderHTML(msg notify.Message) (string, error) {
	data := struct {
		Title, Footer string
		Events        []htmlEvent
	}{Footer: footer(msg)}
	if len(msg.Events) > 1 {
		data.Title = strings.TrimPrefix(notify.Subject(msg), "[Certinel] ")
	}
	for _, e := range msg.Events {
		he := htmlEvent{Headline: notify.Headline(e), URL: notify.DashboardURL(e)}
		for _, f := range notify.Fields(e) {
			he.Fields = append(he.Fields, htmlField{f, strings.Contains(f.Label, "SHA-256")})
		}
		data.Events = append(data.Events, he)
	}
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func footer(msg notify.Message) string {
	s := "Sent by Certinel because an alert rule"
	if len(msg.Events) > 0 && msg.Events[0].Organization.Name != "" {
		s += " of " + msg.Events[0].Organization.Name
	}
	return s + " delivers to this address."
}
