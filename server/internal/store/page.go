package store

// Page selects one page of a list; Number starts at 1.
type Page struct {
	Number  int
	PerPage int
}

// Limit is the page size for SQL.
func (p Page) Limit() int { return p.PerPage }

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.PerPage }
