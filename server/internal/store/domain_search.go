package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// A host search (DomainFilter.Query) selects the domains whose host holds
// the term. On PostgreSQL the index of host suffixes (00074) serves it as a
// prefix match: a host holds the term when one of its suffixes starts with
// it, so the index names exactly the matching rows, each then read from the
// table. That is cheap while few hosts match, whatever the term's trigrams.
// A term many hosts hold ("s", ".example") would have most rows read
// that way; the host-order index holds the host (00067), and reading it
// instead costs at most one pass over the organization's entries without
// the table, while a page in host order, or a count that stops at
// ExactCountBound, is done as soon as enough matches are found, which for
// a common term is soon. The planner cannot tell how many hosts hold a
// term, so the store judges it (commonTerm) and writes the condition so
// that only the index it chose can serve it.

// commonShare is the share of hosts holding the term above which a search
// reads the host-order index rather than the suffix index's rows: reading
// a row costs several times reading an entry of the host-order index.
const commonShare = 0.1

// hostSearch is how a search is written on PostgreSQL, for the index that
// is to serve it. SQLite takes LIKE for each.
type hostSearch int

const (
	// searchLike leaves the choice to the planner.
	searchLike hostSearch = iota
	// searchWalk is strpos, which only the host-order index can serve
	// (hosts are stored in lower case, so it matches what LIKE does).
	searchWalk
	// searchSuffixes is a prefix match on the index of host suffixes.
	searchSuffixes
)

// commonTerm says whether more than commonShare of the hosts hold term,
// judged on the hosts the planner sampled for its statistics of
// domains.host (pg_stats, kept by ANALYZE). Without statistics the term is
// taken as rare: the suffix index costs little on a table not yet analyzed.
func (s *Store) commonTerm(ctx context.Context, term string) (bool, error) {
	var sample []string
	err := s.db.WithContext(ctx).Raw(`SELECT unnest(histogram_bounds::text::text[]) FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = 'domains' AND attname = 'host'`).Scan(&sample).Error
	if err != nil {
		return false, fmt.Errorf("host statistics: %w", err)
	}
	holding := 0
	for _, h := range sample {
		if strings.Contains(h, strings.ToLower(term)) {
			holding++
		}
	}
	return float64(holding) > commonShare*float64(len(sample)), nil
}

// suffixQuery is the tsquery matching the lexemes that start with term:
// quoted, so that no character of the term is an operator.
func suffixQuery(term string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(term) + "':*"
}

// selection is the filter's conditions alone, without order and paging.
func (f DomainFilter) selection() DomainFilter {
	return DomainFilter{Query: f.Query, Status: f.Status, AgentID: f.AgentID, Tag: f.Tag,
		ExpiresBefore: f.ExpiresBefore, PostQuantum: f.PostQuantum, Kind: f.Kind}
}

// filterHost applies the filter's search to a query over domains, in the
// form f.search asks for on PostgreSQL.
func filterHost(q *gorm.DB, f DomainFilter) *gorm.DB {
	term := strings.ToLower(f.Query)
	switch {
	case f.Query == "":
		return q
	case f.Kind == KindFile:
		// A file item is found by its host or its path (paths keep their case).
		return q.Where("(domains.host LIKE ? ESCAPE '\\' OR domains.file_path LIKE ? ESCAPE '\\')",
			"%"+escapeLike(term)+"%", "%"+escapeLike(f.Query)+"%")
	case f.search == searchWalk:
		return q.Where("strpos(domains.host, ?) > 0", term)
	case f.search == searchSuffixes:
		return q.Where("host_suffixes(domains.host) @@ ?::tsquery", suffixQuery(term))
	}
	return q.Where("domains.host LIKE ? ESCAPE '\\'", "%"+escapeLike(term)+"%")
}
