package templatehook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"

	"certinel.dev/server/internal/notify"
	"certinel.dev/server/internal/notify/httppost"
)

const (
	// maxTemplate bounds the template a customer saves.
	maxTemplate = 16 << 10
	// maxBody bounds what a template may produce, however much it loops.
	maxBody = 64 << 10
	// maxRangeDepth bounds nested ranges, so the work a template does grows with the
	// message at most as its square.
	maxRangeDepth = 2
)

// errTooLarge stops a template whose output passes maxBody.
var errTooLarge = fmt.Errorf("the body would be larger than %d KiB", maxBody>>10)

// Data is what a body template sees. Events are the events' JSON objects, as in
// Certinel's webhook payload (.id, .type, .domain.host, .days_left…), each with four
// more keys: severity (critical, warning or info), alert_key (the same for a problem,
// its reminders and its resolution), headline and dashboard_url. Numbers are JSON
// numbers, so no value of the data can make a range loop run away.
type Data struct {
	Events  []map[string]any
	Event   map[string]any // the first event: the only one unless Digest
	Digest  bool           // several events grouped in one message
	Subject string         // the message in one line
	Text    string         // the plain-text body, as in emails
}

func newData(msg notify.Message) (Data, error) {
	d := Data{Digest: len(msg.Events) > 1, Subject: notify.Subject(msg), Text: notify.Text(msg)}
	for _, e := range msg.Events {
		raw, err := json.Marshal(e)
		if err != nil {
			return Data{}, fmt.Errorf("encode event %s: %w", e.ID, err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return Data{}, fmt.Errorf("decode event %s: %w", e.ID, err)
		}
		m["severity"] = string(notify.SeverityOf(e))
		m["alert_key"] = notify.AlertKey(e)
		m["headline"] = notify.Headline(e)
		m["dashboard_url"] = notify.DashboardURL(e)
		d.Events = append(d.Events, m)
	}
	if len(d.Events) > 0 {
		d.Event = d.Events[0]
	}
	return d, nil
}

// funcs are the helpers a template may call besides text/template's own.
var funcs = template.FuncMap{
	// json writes a value as JSON: a string quoted and escaped, an object whole.
	"json": func(v any) (string, error) {
		b, err := httppost.Encode(v)
		return string(b), err
	},
}

// parseBody parses a body template and refuses what could make it run unbounded.
func parseBody(text string) (*template.Template, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("is required")
	}
	if len(text) > maxTemplate {
		return nil, fmt.Errorf("must be at most %d KiB", maxTemplate>>10)
	}
	t, err := template.New("body").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("does not parse: %w", err)
	}
	if len(t.Templates()) > 1 {
		return nil, errors.New("must not define templates")
	}
	if err := checkNodes(t.Root.Nodes, 0); err != nil {
		return nil, err
	}
	return t, nil
}

// checkNodes refuses {{template}} and {{block}}, which can recurse, ranges nested more
// than maxRangeDepth, and ranges over anything but a field of the data: a range over
// a number ({{range 1000000000}}) would loop without writing, so the size cap would not
// stop it.
func checkNodes(nodes []parse.Node, depth int) error {
	for _, n := range nodes {
		switch n := n.(type) {
		case *parse.TemplateNode:
			return errors.New("must not call templates")
		case *parse.IfNode:
			if err := checkBranches(n.List, n.ElseList, depth); err != nil {
				return err
			}
		case *parse.WithNode:
			if err := checkBranches(n.List, n.ElseList, depth); err != nil {
				return err
			}
		case *parse.RangeNode:
			if depth+1 > maxRangeDepth {
				return fmt.Errorf("must not nest range more than %d deep", maxRangeDepth)
			}
			if !rangesOverField(n.Pipe) {
				return fmt.Errorf("line %d: range may only go over a field of the data, such as .Events", n.Line)
			}
			if err := checkBranches(n.List, n.ElseList, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkBranches(list, elseList *parse.ListNode, depth int) error {
	for _, l := range []*parse.ListNode{list, elseList} {
		if l == nil {
			continue
		}
		if err := checkNodes(l.Nodes, depth); err != nil {
			return err
		}
	}
	return nil
}

// rangesOverField reports whether a range's pipeline is one field: .Events, $.Events,
// $e.domain.
func rangesOverField(p *parse.PipeNode) bool {
	if len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		return true
	case *parse.VariableNode:
		return len(a.Ident) > 1
	}
	return false
}

// cappedBuffer fails a write that would pass maxBody, which stops the template.
type cappedBuffer struct{ bytes.Buffer }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxBody {
		return 0, errTooLarge
	}
	return b.Buffer.Write(p)
}

// templateBody is a parsed body template and whether its output must be JSON.
type templateBody struct {
	t    *template.Template
	json bool
}

// render executes the template over msg; a JSON body must come out as valid JSON.
func (b *templateBody) render(msg notify.Message) ([]byte, error) {
	data, err := newData(msg)
	if err != nil {
		return nil, err
	}
	var out cappedBuffer
	if err := b.t.Execute(&out, data); err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, errTooLarge
		}
		return nil, fmt.Errorf("does not run: %w", err)
	}
	if b.json && !json.Valid(out.Bytes()) {
		return nil, errors.New("does not produce valid JSON (write strings with {{json .Subject}}, which quotes and escapes them)")
	}
	return out.Bytes(), nil
}
