package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"
)

// An inventory search (CertificateFilter.Query) keeps the certificates
// whose subject or issuer holds the term, or whose fingerprint starts with
// it. Scanning the organization's summary rows costs the same for every
// term, and at 100,000 domains the summary is 52,505 rows in 44 MB (rows
// rewritten by ingest leave free space behind): 25 ms on a quiet machine,
// over 100 ms on a busy one. On PostgreSQL the index of the certificates'
// text suffixes (00081) names the certificates holding a term instead,
// each then looked up in the organization's summary by its key. Trigram
// indexes were tried before: a part of a numbered host name such as
// "svc00000" has trigrams every name holds, and they handed back every row.
//
// The suffix index holds every tenant's certificates. A term that many of
// them hold (an issuer's name) would have most certificates read through
// it, so such a term is still matched by the scan (commonCertificateTerm).

// textSearch is the condition on the summary (oc) that a search sets.
func (s *Store) textSearch(ctx context.Context, query string) (clause.Expression, error) {
	like := "%" + escapeLike(query) + "%"
	if s.dialect == Postgres {
		common, err := s.commonCertificateTerm(ctx, query)
		if err != nil {
			return nil, err
		}
		if !common {
			return suffixSearch(query, like), nil
		}
	}
	matches := []clause.Expression{
		clause.Expr{SQL: "oc.subject LIKE ? ESCAPE '\\'", Vars: []any{like}},
		clause.Expr{SQL: "oc.issuer LIKE ? ESCAPE '\\'", Vars: []any{like}},
	}
	if prefix, ok := fingerprintPrefix(query); ok {
		// 'g' sorts after every hex digit: the range holds exactly the
		// fingerprints that start with the prefix.
		matches = append(matches, clause.Expr{SQL: "(oc.sha256 >= ? AND oc.sha256 < ?)", Vars: []any{prefix, prefix + "g"}})
	}
	return clause.Or(matches...), nil
}

// suffixSearch selects the certificates holding query through the suffix
// index, those with a text longer than it holds by LIKE, and for a
// fingerprint prefix a range of their key: each an index scan of
// certificates, whose matches are then looked up in the summary. A union
// rather than OR: OR would have the matches filtered by every branch, each
// computing the suffixes of the row's texts anew.
func suffixSearch(query, like string) clause.Expression {
	sql := `oc.sha256 IN (SELECT c.sha256 FROM certificates c WHERE certificate_text_suffixes(c.subject, c.issuer) @@ ?::tsquery
		UNION ALL SELECT c.sha256 FROM certificates c
		WHERE certificate_long_text(c.subject, c.issuer) AND (c.subject LIKE ? ESCAPE '\' OR c.issuer LIKE ? ESCAPE '\')`
	vars := []any{suffixQuery(query), like, like}
	if prefix, ok := fingerprintPrefix(query); ok {
		sql += " UNION ALL SELECT c.sha256 FROM certificates c WHERE c.sha256 >= ? AND c.sha256 < ?"
		vars = append(vars, prefix, prefix+"g")
	}
	return clause.Expr{SQL: sql + ")", Vars: vars}
}

// fingerprintPrefix is the term as the start of a fingerprint, which is
// lowercase hex, if it can be one.
func fingerprintPrefix(query string) (string, bool) {
	prefix := strings.ToLower(query)
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return prefix, prefix != ""
}

// commonCertificateTerm says whether more than commonShare of the
// certificates hold term in their subject or issuer, judged on the
// planner's statistics of both columns (pg_stats, kept by ANALYZE): the
// share of the most common values holding it, and of the rest as the
// histogram's bounds holding it say. Without statistics the term is taken
// as rare, as for hosts.
func (s *Store) commonCertificateTerm(ctx context.Context, term string) (bool, error) {
	var share float64
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(SUM(share), 0) FROM (
		SELECT v.freq AS share FROM pg_stats st, unnest(st.most_common_vals::text::text[], st.most_common_freqs) AS v(val, freq)
		WHERE st.schemaname = current_schema() AND st.tablename = 'certificates' AND st.attname IN ('subject', 'issuer')
			AND strpos(v.val, @term) > 0
		UNION ALL
		SELECT (1 - st.null_frac - COALESCE((SELECT SUM(f) FROM unnest(st.most_common_freqs) AS f), 0))
			/ cardinality(st.histogram_bounds::text::text[]) FROM pg_stats st, unnest(st.histogram_bounds::text::text[]) AS b(val)
		WHERE st.schemaname = current_schema() AND st.tablename = 'certificates' AND st.attname IN ('subject', 'issuer')
			AND strpos(b.val, @term) > 0) AS holding`, map[string]any{"term": term}).Scan(&share).Error
	if err != nil {
		return false, fmt.Errorf("store: certificate text statistics: %w", err)
	}
	return share > commonShare, nil
}
