package store

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The expiry aggregate (expiry_days, with expiry_leaves below it) counts
// what the expiry-cluster insight asks of a whole day: the domains whose
// list columns say their chain ends on it, and the distinct leaves they
// serve. It moves by deltas from the old list columns to the new ones
// where those columns change (copyListColumns) and where domains go
// (releaseDomains; an organization's deletion cascades).

// listedExpiry is a domain's expiry as the list columns hold it: the day
// is named by the database (expiryDaySQL), so it is the day the clusters'
// count of partial days groups by; nil for no deadline.
type listedExpiry struct {
	ID              string
	OrganizationID  string
	ExpiresOn       *string
	StateLeafSHA256 string `gorm:"column:state_leaf_sha256"`
}

// expiryDaySQL names the UTC calendar day of a domain's deadline.
func expiryDaySQL(tx *gorm.DB, table string) string {
	if tx.Dialector.Name() == "postgres" {
		return "to_char(" + table + ".state_not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(" + table + ".state_not_after)"
}

// listedExpiryColumns are the columns of listedExpiry, for SELECT and
// RETURNING.
func listedExpiryColumns(tx *gorm.DB, table string) string {
	return table + ".id, " + table + ".organization_id, " + expiryDaySQL(tx, table) + " AS expires_on, " + table + ".state_leaf_sha256"
}

// expiryKey is one row of expiry_leaves.
type expiryKey struct{ org, day, leaf string }

// expiryDeltas are how many domains each row gains or loses.
type expiryDeltas map[expiryKey]int

// expiryDay is the UTC calendar day an instant falls on, as expiryDaySQL
// names it.
func expiryDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// add counts a domain in (sign 1) or out (sign -1); one without a
// deadline is in no day.
func (m expiryDeltas) add(e listedExpiry, sign int) {
	if e.ExpiresOn == nil {
		return
	}
	k := expiryKey{e.OrganizationID, *e.ExpiresOn, e.StateLeafSHA256}
	if m[k] += sign; m[k] == 0 {
		delete(m, k)
	}
}

// listedExpiries reads and locks the domains' list columns, so that the
// update that follows replaces exactly what was read.
func listedExpiries(tx *gorm.DB, domainIDs []string) (map[string]listedExpiry, error) {
	out := make(map[string]listedExpiry, len(domainIDs))
	for start := 0; start < len(domainIDs); start += observationBatch {
		var rows []listedExpiry
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Table("domains").
			Select(listedExpiryColumns(tx, "domains")).
			Where("id IN ?", domainIDs[start:min(start+observationBatch, len(domainIDs))]).Order("id").Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("listed expiries: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r
		}
	}
	return out, nil
}

// dayKey is one row of expiry_days.
type dayKey struct{ org, day string }

// dayDelta is how much a day's two counts move.
type dayDelta struct{ endpoints, certificates int }

// applyExpiry adds the deltas to the aggregate, in key order like every
// write concurrent batches share.
func applyExpiry(tx *gorm.DB, delta expiryDeltas) error {
	keys := make([]expiryKey, 0, len(delta))
	for k := range delta {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b expiryKey) int {
		return cmp.Or(cmp.Compare(a.org, b.org), cmp.Compare(a.day, b.day), cmp.Compare(a.leaf, b.leaf))
	})
	days := map[dayKey]dayDelta{}
	var order []dayKey // sorted, since keys are
	for start := 0; start < len(keys); start += certificateBatch {
		err := applyExpiryLeaves(tx, delta, keys[start:min(start+certificateBatch, len(keys))], func(k dayKey, d dayDelta) {
			old, seen := days[k]
			if !seen {
				order = append(order, k)
			}
			days[k] = dayDelta{old.endpoints + d.endpoints, old.certificates + d.certificates}
		})
		if err != nil {
			return err
		}
	}
	for start := 0; start < len(order); start += certificateBatch {
		if err := applyExpiryDays(tx, order[start:min(start+certificateBatch, len(order))], days); err != nil {
			return err
		}
	}
	return nil
}

// applyExpiryLeaves moves the leaf rows of keys and tells moved how each
// day's counts move: a leaf row that appears or empties is one more or one
// fewer distinct certificate. Emptied rows are deleted.
func applyExpiryLeaves(tx *gorm.DB, delta expiryDeltas, keys []expiryKey, moved func(dayKey, dayDelta)) error {
	values, args := make([]string, len(keys)), make([]any, 0, 4*len(keys))
	for i, k := range keys {
		values[i] = "(?, ?, ?, ?)"
		args = append(args, k.org, k.day, k.leaf, delta[k])
	}
	var rows []struct {
		OrganizationID string
		ExpiresOn      string
		LeafSHA256     string `gorm:"column:leaf_sha256"`
		Endpoints      int
	}
	err := tx.Raw(`INSERT INTO expiry_leaves (organization_id, expires_on, leaf_sha256, endpoints) VALUES `+
		strings.Join(values, ", ")+` ON CONFLICT (organization_id, expires_on, leaf_sha256)
		DO UPDATE SET endpoints = expiry_leaves.endpoints + excluded.endpoints
		RETURNING organization_id, expires_on, leaf_sha256, endpoints`, args...).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("expiry leaves: %w", err)
	}
	emptied := false
	for _, r := range rows {
		d := dayDelta{endpoints: delta[expiryKey{r.OrganizationID, r.ExpiresOn, r.LeafSHA256}]}
		switch before := r.Endpoints - d.endpoints; {
		case before == 0 && r.Endpoints > 0:
			d.certificates = 1
		case before > 0 && r.Endpoints == 0:
			d.certificates, emptied = -1, true
		}
		moved(dayKey{r.OrganizationID, r.ExpiresOn}, d)
	}
	if !emptied {
		return nil
	}
	return deleteEmptied(tx, "expiry_leaves", distinctOf(keys, func(k expiryKey) string { return k.org }),
		distinctOf(keys, func(k expiryKey) string { return k.day }))
}

// applyExpiryDays adds the days' deltas to their rows and deletes the rows
// left with no domain.
func applyExpiryDays(tx *gorm.DB, order []dayKey, days map[dayKey]dayDelta) error {
	values, args := make([]string, len(order)), make([]any, 0, 4*len(order))
	emptied := false
	for i, k := range order {
		values[i] = "(?, ?, ?, ?)"
		args = append(args, k.org, k.day, days[k].endpoints, days[k].certificates)
		emptied = emptied || days[k].endpoints < 0
	}
	err := tx.Exec(`INSERT INTO expiry_days (organization_id, expires_on, endpoints, certificates) VALUES `+
		strings.Join(values, ", ")+` ON CONFLICT (organization_id, expires_on)
		DO UPDATE SET endpoints = expiry_days.endpoints + excluded.endpoints,
		certificates = expiry_days.certificates + excluded.certificates`, args...).Error
	if err != nil {
		return fmt.Errorf("expiry days: %w", err)
	}
	if !emptied {
		return nil
	}
	return deleteEmptied(tx, "expiry_days", distinctOf(order, func(k dayKey) string { return k.org }),
		distinctOf(order, func(k dayKey) string { return k.day }))
}

// deleteEmptied deletes the rows of an aggregate table left with no domain
// among the organizations and days given.
func deleteEmptied(tx *gorm.DB, table string, orgs, days []string) error {
	err := tx.Exec("DELETE FROM "+table+" WHERE organization_id IN ? AND expires_on IN ? AND endpoints = 0", orgs, days).Error
	if err != nil {
		return fmt.Errorf("%s: %w", table, err)
	}
	return nil
}

// distinctOf lists, sorted and once each, what f says of the items.
func distinctOf[T any](items []T, f func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return distinct(out)
}
