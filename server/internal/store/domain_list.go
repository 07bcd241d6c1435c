package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/lifecycle"
)

// DomainView is a domain with its latest check, as lists show it.
type DomainView struct {
	Domain     `gorm:"embedded"`
	CheckedAt  *time.Time
	Error      string
	ErrorKind  string
	LeafSHA256 string `gorm:"column:leaf_sha256"`
	NotAfter   *time.Time
	// TrustStatus and Judged come from the analysis of the latest chain:
	// Judged is its comma-separated problem codes as of that check.
	TrustStatus string
	Judged      string `gorm:"column:problems"`
	// The latest check's protocol version and key exchange group.
	TLSVersion  string
	KeyExchange string
	PostQuantum bool
	// The renewal window of the chain and when it turns urgent.
	WindowStart  *time.Time
	WindowEnd    *time.Time
	WindowSource string
	UrgentAt     *time.Time
	StateKind    string
	// Status and Problems are derived at read time (see settle).
	Status   lifecycle.Status    `gorm:"-"`
	Problems []lifecycle.Problem `gorm:"-"`
}

// settle derives the row's status and problems at now.
func (v *DomainView) settle(now time.Time, floorDays int) {
	st := stateOf(v.StateKind, v.NotAfter, v.WindowEnd, v.UrgentAt)
	v.Status = st.Status(now, floorDays)
	v.Problems = st.Problems(now, floorDays, splitProblems(v.Judged))
}

// DomainFilter selects and orders a domain list. Sort is one of host, port,
// protocol, created_at, last_checked_at, days_left (alias not_after).
type DomainFilter struct {
	Query         string
	Status        string
	AgentID       string
	Tag           string
	ExpiresBefore *time.Time
	// PostQuantum is one of the Readiness values, or empty for any.
	PostQuantum Readiness
	// Kind is KindFile (file items only), KindEndpoint (network endpoints
	// only) or empty for both.
	Kind string
	Sort string
	Desc bool
	// FloorDays is the organization's absolute floor (see lifecycle.Settings).
	FloorDays int
	// After, a cursor from DomainCursorAfter, asks for the rows following
	// the one it was made from (keyset paging) instead of a page number.
	After string
	// search is the form of the search on PostgreSQL (see commonTerm).
	search hostSearch
}

// domainSort is a sort key: a column of domains that an index of
// (organization_id, column, id) serves, so that any page is an index range.
type domainSort struct {
	column string
	kind   sortKind
	// nullable keys (never-checked domains) put NULLs last either way.
	nullable bool
	// onState keys are the domain's latest check time, kept in
	// domain_checks (dc), whose index (organization_id, checked_at,
	// domain_id) serves the sort. Never-checked domains have no row: they
	// follow the checked ones.
	onState bool
	// value reads the key from a row, for the cursor after it: a string,
	// an int, a time.Time or a *time.Time.
	value func(v DomainView) any
}

// sortKind is the type of a sort key, for reading it back from a cursor.
type sortKind int

const (
	sortText sortKind = iota
	sortInt
	sortTime
)

var domainSorts = map[string]domainSort{
	"host":            {column: "domains.host_key", kind: sortText, value: func(v DomainView) any { return v.HostKey }},
	"port":            {column: "domains.port", kind: sortInt, value: func(v DomainView) any { return v.Port }},
	"protocol":        {column: "domains.protocol", kind: sortText, value: func(v DomainView) any { return v.Protocol }},
	"created_at":      {column: "domains.created_at", kind: sortTime, value: func(v DomainView) any { return v.CreatedAt }},
	"last_checked_at": {column: "dc.checked_at", kind: sortTime, nullable: true, onState: true, value: func(v DomainView) any { return v.CheckedAt }},
	"days_left":       {column: "domains.state_not_after", kind: sortTime, nullable: true, value: func(v DomainView) any { return v.NotAfter }},
	"not_after":       {column: "domains.state_not_after", kind: sortTime, nullable: true, value: func(v DomainView) any { return v.NotAfter }},
}

// DomainSortKeys lists the accepted sort keys.
func DomainSortKeys() []string {
	keys := make([]string, 0, len(domainSorts))
	for k := range domainSorts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortOf is the filter's sort key, host by default.
func sortOf(f DomainFilter) (string, domainSort) {
	if ds, ok := domainSorts[f.Sort]; ok {
		return f.Sort, ds
	}
	return "host", domainSorts["host"]
}

// orderBy orders by the key, then by id in the same direction, so that one
// index range serves it. NULLS LAST is spelt out only for nullable keys:
// PostgreSQL reads a descending order of a NOT NULL column backwards from
// the ascending index only when the NULLs placement matches its default.
func (ds domainSort) orderBy(desc bool) string {
	nulls := ""
	if ds.nullable {
		nulls = " NULLS LAST"
	}
	return fmt.Sprintf("%s %s%s, domains.id %s", ds.column, direction(desc), nulls, direction(desc))
}

// stateOrder orders the checked domains by their check time, as the index
// of domain_checks holds them: its own domain column breaks ties, and there
// is no NULL to place.
func (ds domainSort) stateOrder(desc bool) string {
	return fmt.Sprintf("%s %s, dc.domain_id %s", ds.column, direction(desc), direction(desc))
}

// nullCondition selects the rows whose key is NULL: for a key on the state,
// the domains never checked, which the status index finds.
func (ds domainSort) nullCondition() (string, []any) {
	if ds.onState {
		return "domains.state_kind = ?", []any{lifecycle.KindPending}
	}
	return ds.column + " IS NULL", nil
}

func direction(desc bool) string {
	if desc {
		return "DESC"
	}
	return "ASC"
}

func (s *Store) domainViews(ctx context.Context, orgID string) (*gorm.DB, time.Time) {
	now := s.now()
	q := s.db.WithContext(ctx).Table("domains").
		Select("domains.*, ds.checked_at, ds.error, ds.error_kind, ds.leaf_sha256, ds.not_after, ds.trust_status, ds.problems, "+
			"ds.tls_version, ds.key_exchange, ds.post_quantum, ds.window_start, ds.window_end, ds.window_source, ds.urgent_at").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		// Read only to order by the check time: both databases drop this
		// join from every other query, its key being unique.
		Joins("LEFT JOIN domain_checks dc ON dc.domain_id = domains.id").
		Where("domains.organization_id = ?", orgID)
	return q, now
}

// orgDomains is the organization's rows of domains, without their states.
func (s *Store) orgDomains(ctx context.Context, orgID string) *gorm.DB {
	return s.db.WithContext(ctx).Table("domains").Where("domains.organization_id = ?", orgID)
}

// filterDomains applies the filter's conditions to a query over domains.
// Each is a predicate on columns of domains that an index serves.
func filterDomains(q *gorm.DB, orgID string, f DomainFilter, now time.Time) *gorm.DB {
	q = filterHost(q, f)
	switch f.Kind {
	case KindFile:
		q = q.Where("domains.protocol = ?", FileProtocol)
	case KindEndpoint:
		q = q.Where("domains.protocol <> ?", FileProtocol)
	}
	if f.Status != "" {
		cond, args := statusCondition(f.Status, now, f.FloorDays)
		q = q.Where(cond, args...)
	}
	if f.AgentID != "" {
		q = q.Where("domains.agent_id = ?", f.AgentID)
	}
	if f.Tag != "" {
		// Written as a set of the organization's tagged ids, so that a rare
		// tag can be read from the (organization_id, tag) index first.
		q = q.Where("domains.id IN (SELECT t.domain_id FROM domain_tags t WHERE t.organization_id = ? AND t.tag = ?)", orgID, f.Tag)
	}
	if f.ExpiresBefore != nil {
		q = q.Where("domains.state_not_after < ?", f.ExpiresBefore.UTC())
	}
	if f.PostQuantum != "" {
		q = q.Where(readinessCondition(f.PostQuantum), orgID)
	}
	return q
}

// ListDomains lists an organization's domains with filters and sorting: the
// page numbered page.Number, or, when f.After is set, the page.PerPage rows
// after that cursor. total is exact up to ExactCountBound, an estimate
// beyond (see boundedCount).
func (s *Store) ListDomains(ctx context.Context, orgID string, f DomainFilter, page Page) ([]DomainView, int64, error) {
	now := s.now()
	count, f, err := s.countQuery(ctx, orgID, f, now)
	if err != nil {
		return nil, 0, fmt.Errorf("store: count domains: %w", err)
	}
	total, err := s.boundedCount(count)
	if err != nil {
		return nil, 0, fmt.Errorf("store: count domains: %w", err)
	}
	var out []DomainView
	if f.After != "" {
		out, err = s.domainsAfter(ctx, orgID, f, page.Limit())
	} else {
		out, err = s.domainsPage(ctx, orgID, f, page.Limit(), page.Offset())
	}
	if err != nil {
		return nil, 0, err
	}
	ds := make([]*Domain, len(out))
	for i := range out {
		out[i].settle(now, f.FloorDays)
		ds[i] = &out[i].Domain
	}
	if err := s.attachTags(ctx, ds); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// countQuery is the query counting the filter's matches, and the filter
// its pages are read with. On PostgreSQL a search for a term few hosts
// hold is read from the suffix index, with any other filter; a search
// alone for a common term is counted along the host-order index, and
// paged along it in host order (see commonTerm). A tag alone is counted
// from the tags' index, without joining the domains: a domain holds a tag
// once (the key of domain_tags) and its tags go with it.
func (s *Store) countQuery(ctx context.Context, orgID string, f DomainFilter, now time.Time) (*gorm.DB, DomainFilter, error) {
	if f.Tag != "" && f.selection() == (DomainFilter{Tag: f.Tag}) {
		return s.db.WithContext(ctx).Table("domain_tags t").Where("t.organization_id = ? AND t.tag = ?", orgID, f.Tag), f, nil
	}
	counted := f
	if s.dialect == Postgres && f.Query != "" {
		common, err := s.commonTerm(ctx, f.Query)
		if err != nil {
			return nil, f, err
		}
		switch {
		case !common:
			counted.search, f.search = searchSuffixes, searchSuffixes
		case f.selection() == (DomainFilter{Query: f.Query}):
			counted.search = searchWalk
			if sortIsHost(f) {
				f.search = searchWalk
			}
		}
	}
	return filterDomains(s.orgDomains(ctx, orgID), orgID, counted, now), f, nil
}

// domainsPage reads limit rows from offset in the filter's order. The rows
// skipped are read from domains alone (its sort index, at best without the
// table); only the page's rows are joined to their states.
func (s *Store) domainsPage(ctx context.Context, orgID string, f DomainFilter, limit, offset int) ([]DomainView, error) {
	q, now := s.domainViews(ctx, orgID)
	_, ds := sortOf(f)
	order := ds.orderBy(f.Desc)
	var page any = filterDomains(s.orgDomains(ctx, orgID).Select("domains.id"), orgID, f, now).Order(order).Limit(limit).Offset(offset)
	if ds.onState {
		ids, err := s.statePage(ctx, orgID, f, ds, limit, offset)
		if err != nil {
			return nil, err
		}
		page = ids
	}
	var out []DomainView
	if err := q.Where("domains.id IN (?)", page).Order(order).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	return out, nil
}

// statePage reads the ids of a page in the order of the check time: the
// checked domains skipped are read from the index of domain_checks
// (joined to domains only when a filter needs it), and a page that runs
// past them goes on with the never-checked domains in id order.
func (s *Store) statePage(ctx context.Context, orgID string, f DomainFilter, ds domainSort, limit, offset int) ([]string, error) {
	now := s.now()
	checked := s.db.WithContext(ctx).Table("domain_checks dc").Where("dc.organization_id = ?", orgID)
	if f.filtered() {
		checked = filterDomains(checked.Joins("JOIN domains ON domains.id = dc.domain_id"), orgID, f, now)
	}
	var ids []string
	if err := checked.Order(ds.stateOrder(f.Desc)).Limit(limit).Offset(offset).Pluck("dc.domain_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	if len(ids) == limit {
		return ids, nil
	}
	cond, args := ds.nullCondition()
	var nChecked int64
	if len(ids) == 0 {
		// The page starts past the checked domains: count them to know
		// how many never-checked ones it skips.
		q := filterDomains(s.orgDomains(ctx, orgID), orgID, f, now).Where("NOT ("+cond+")", args...)
		if err := q.Count(&nChecked).Error; err != nil {
			return nil, fmt.Errorf("store: count checked domains: %w", err)
		}
	} else {
		nChecked = int64(offset + len(ids))
	}
	var rest []string
	err := filterDomains(s.orgDomains(ctx, orgID), orgID, f, now).Where(cond, args...).
		Order("domains.id "+direction(f.Desc)).Limit(limit-len(ids)).Offset(max(0, offset-int(nChecked))).Pluck("domains.id", &rest).Error
	if err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	return append(ids, rest...), nil
}

// sortIsHost says whether the list is in host order, the order of the
// host-order index.
func sortIsHost(f DomainFilter) bool {
	name, _ := sortOf(f)
	return name == "host"
}

// filtered says whether the filter selects fewer than all domains.
func (f DomainFilter) filtered() bool {
	return f.Query != "" || f.Status != "" || f.AgentID != "" || f.Tag != "" || f.ExpiresBefore != nil || f.Kind != ""
}

// domainsAfter reads up to limit rows after the cursor f.After. A row
// comparison on (key, id) is one index range; it is never true for a NULL
// key, so never-checked domains, last in either direction, are read
// separately once the checked ones run out.
func (s *Store) domainsAfter(ctx context.Context, orgID string, f DomainFilter, limit int) ([]DomainView, error) {
	c, key, err := parseDomainCursor(f)
	if err != nil {
		return nil, err
	}
	_, ds := sortOf(f)
	after := ">"
	if f.Desc {
		after = "<"
	}
	var out []DomainView
	if !c.Null {
		q, now := s.domainViews(ctx, orgID)
		q = filterDomains(q, orgID, f, now)
		order := ds.orderBy(f.Desc)
		if ds.onState {
			// Read as a range of the index of domain_checks.
			q = q.Where("dc.organization_id = ?", orgID).Where(fmt.Sprintf("(%s, dc.domain_id) %s (?, ?)", ds.column, after), key, c.ID)
			order = ds.stateOrder(f.Desc)
		} else if f.search == searchWalk {
			// The page's ids are read from the host-order index alone.
			ids := filterDomains(s.orgDomains(ctx, orgID).Select("domains.id"), orgID, f, now).
				Where(fmt.Sprintf("(%s, domains.id) %s (?, ?)", ds.column, after), key, c.ID).Order(order).Limit(limit)
			q = q.Where("domains.id IN (?)", ids)
		} else {
			q = q.Where(fmt.Sprintf("(%s, domains.id) %s (?, ?)", ds.column, after), key, c.ID)
		}
		if err := q.Order(order).Limit(limit).Find(&out).Error; err != nil {
			return nil, fmt.Errorf("store: list domains: %w", err)
		}
		if !ds.nullable || len(out) == limit {
			return out, nil
		}
	}
	q, now := s.domainViews(ctx, orgID)
	cond, args := ds.nullCondition()
	q = filterDomains(q, orgID, f, now).Where(cond, args...)
	if c.Null {
		q = q.Where("domains.id "+after+" ?", c.ID)
	}
	var rest []DomainView
	if err := q.Order(ds.orderBy(f.Desc)).Limit(limit - len(out)).Find(&rest).Error; err != nil {
		return nil, fmt.Errorf("store: list domains: %w", err)
	}
	return append(out, rest...), nil
}
