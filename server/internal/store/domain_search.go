package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"gorm.io/gorm"
)

// A host search (DomainFilter.Query) selects the domains whose host holds
// the term. On PostgreSQL two indexes can serve it. The trigram index
// (00018) names the candidates: the hosts holding every trigram of the
// term, each then read from the table. That is cheap for a term with a
// trigram few hosts share, but a term of one or two characters has no
// trigram, and a term whose trigrams most hosts hold (numbered names:
// "svc00000") makes nearly every domain a candidate. The host-order index
// holds the host (00067): reading it instead costs one pass over the
// organization's entries without the table, and a page in host order
// stops as soon as it is full. The planner knows no trigram's frequency,
// so the store judges it (commonTrigrams) and, for a search that is the
// list's only filter, writes the condition so that only the host-order
// index can serve it when the trigram index would not narrow it.

// commonShare is the share of hosts holding all of a term's trigrams above
// which the trigram index is not used: reading a candidate's row costs
// several times reading an entry of the host-order index.
const commonShare = 0.1

// commonTrigrams says whether the trigram index would name more than
// commonShare of the hosts for term, judged on the hosts the planner
// sampled for its statistics of domains.host (pg_stats, kept by ANALYZE).
// A term without a trigram names every host. Without statistics the
// trigram index is left to the planner.
func (s *Store) commonTrigrams(ctx context.Context, term string) (bool, error) {
	grams := trigrams(term)
	if len(grams) == 0 {
		return true, nil
	}
	var sample []string
	err := s.db.WithContext(ctx).Raw(`SELECT unnest(histogram_bounds::text::text[]) FROM pg_stats
		WHERE schemaname = current_schema() AND tablename = 'domains' AND attname = 'host'`).Scan(&sample).Error
	if err != nil {
		return false, fmt.Errorf("host statistics: %w", err)
	}
	if len(sample) == 0 {
		return false, nil
	}
	candidates := 0
	for _, h := range sample {
		if holdsAll(h, grams) {
			candidates++
		}
	}
	return float64(candidates) > commonShare*float64(len(sample)), nil
}

// trigrams are the three-character pieces of the term's runs of letters
// and digits, as pg_trgm takes them from a LIKE pattern (its padded
// trigrams at word ends left aside: they narrow no further than these).
func trigrams(term string) []string {
	var out []string
	for _, word := range strings.FieldsFunc(strings.ToLower(term), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		rs := []rune(word)
		for i := 0; i+3 <= len(rs); i++ {
			out = append(out, string(rs[i:i+3]))
		}
	}
	return out
}

func holdsAll(host string, grams []string) bool {
	for _, g := range grams {
		if !strings.Contains(host, g) {
			return false
		}
	}
	return true
}

// selection is the filter's conditions alone, without order and paging.
func (f DomainFilter) selection() DomainFilter {
	return DomainFilter{Query: f.Query, Status: f.Status, AgentID: f.AgentID, Tag: f.Tag,
		ExpiresBefore: f.ExpiresBefore, PostQuantum: f.PostQuantum, Kind: f.Kind}
}

// filterHost applies the filter's search to a query over domains. walk
// asks for the form the trigram index cannot serve on PostgreSQL:
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
