package store

import (
	"strings"

	"gorm.io/gorm"
)

// A host search (DomainFilter.Query) selects the domains whose host holds
// the term. On PostgreSQL two indexes can serve it. The trigram index
// (00018) names the candidates of a term that has a trigram few hosts
// share; but a term of one or two characters has no trigram, and a term
// whose trigrams every host holds (numbered names: "svc00000") makes every
// domain a candidate, each then read from the table. The host-order index
// holds the host (00067): reading it instead costs at most one pass over
// the organization's entries without the table, and a page in host order
// stops as soon as it is full. The planner knows no trigram's frequency,
// so it cannot tell these terms apart; a search that is the list's only
// filter is therefore written so that only the host-order index can serve
// it (walkHosts), which bounds its cost whatever the term.

// walksHosts says whether the filter is a host search alone, which reads
// the host-order index rather than the trigram index (see above).
func (f DomainFilter) walksHosts() bool {
	return f.Query != "" && f.selection() == (DomainFilter{Query: f.Query})
}

// selection is the filter's conditions alone, without order and paging.
func (f DomainFilter) selection() DomainFilter {
	return DomainFilter{Query: f.Query, Status: f.Status, AgentID: f.AgentID, Tag: f.Tag,
		ExpiresBefore: f.ExpiresBefore, PostQuantum: f.PostQuantum, Kind: f.Kind}
}

// filterHost applies the filter's search to a query over domains. walk
// asks for the form that only the host-order index serves on PostgreSQL:
// strpos, which the trigram index cannot take (hosts are stored in lower
// case, so it matches what LIKE does). SQLite has no trigram index and
// takes LIKE either way.
func filterHost(q *gorm.DB, f DomainFilter, walk bool) *gorm.DB {
	term := strings.ToLower(f.Query)
	switch {
	case f.Query == "":
		return q
	case f.Kind == KindFile:
		// A file item is found by its host or its path (paths keep their case).
		return q.Where("(domains.host LIKE ? ESCAPE '\\' OR domains.file_path LIKE ? ESCAPE '\\')",
			"%"+escapeLike(term)+"%", "%"+escapeLike(f.Query)+"%")
	case walk && q.Dialector.Name() == "postgres":
		return q.Where("strpos(domains.host, ?) > 0", term)
	}
	return q.Where("domains.host LIKE ? ESCAPE '\\'", "%"+escapeLike(term)+"%")
}
