package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// A served leaf is superseded by the newest other served leaf of the
// organization with the same subject and a shared name, issued after it
// and outliving it: the renewal its endpoint should have picked up.
// superseded_by is kept for every certificate sharing a name with a leaf
// whose served count moved, and computed here from the names out, so that
// the work follows how many certificates share those names and never
// depends on a plan that walks the organization's certificates by date.

// rival is what the rule compares of a certificate.
type rival struct {
	SHA256       string `gorm:"column:sha256"`
	Subject      string
	NotBefore    scanTime
	NotAfter     scanTime
	LeafServing  int
	SupersededBy string
}

// renews says whether r supersedes x; newestFirst orders the renewals.
func (r rival) renews(x rival) bool {
	return r.SHA256 != x.SHA256 && r.LeafServing > 0 && r.Subject == x.Subject &&
		r.NotBefore.After(x.NotBefore.Time) && r.NotAfter.After(x.NotAfter.Time)
}

func newestFirst(a, b rival) int {
	return cmp.Or(b.NotBefore.Compare(a.NotBefore.Time), b.NotAfter.Compare(a.NotAfter.Time), strings.Compare(a.SHA256, b.SHA256))
}

// refreshSuperseded recomputes superseded_by for every certificate sharing
// a name with the given leaves, whose served count just moved: a leaf
// served anew may supersede its elders, one no longer served stops doing
// so. Only renewals and moves get here, never a check that changes nothing.
func refreshSuperseded(tx *gorm.DB, orgID string, leaves []string) error {
	leaves = distinct(leaves)
	for start := 0; start < len(leaves); start += certificateBatch {
		if err := refreshSupersededChunk(tx, orgID, leaves[start:min(start+certificateBatch, len(leaves))]); err != nil {
			return fmt.Errorf("inventory superseded: %w", err)
		}
	}
	return nil
}

func refreshSupersededChunk(tx *gorm.DB, orgID string, leaves []string) error {
	// The certificates to judge share a name with the leaves; their rivals
	// share a name with them, one hop further.
	judged, err := namesSharedWith(tx, leaves)
	if err != nil {
		return err
	}
	rivals, err := namesSharedWith(tx, slices.Collect(maps.Keys(judged)))
	if err != nil {
		return err
	}
	byName := map[string][]string{}
	for sha, names := range rivals {
		for _, n := range names {
			byName[n] = append(byName[n], sha)
		}
	}
	rows, err := rivalsOf(tx, orgID, slices.Collect(maps.Keys(rivals)))
	if err != nil {
		return err
	}
	moved := map[string][]string{}
	for sha := range judged {
		x, ok := rows[sha]
		if !ok {
			continue // not the organization's
		}
		var best *rival
		for _, n := range rivals[sha] {
			for _, other := range byName[n] {
				if r, ok := rows[other]; ok && r.renews(x) && (best == nil || newestFirst(r, *best) < 0) {
					best = &r
				}
			}
		}
		want := ""
		if best != nil {
			want = best.SHA256
		}
		if want != x.SupersededBy {
			moved[want] = append(moved[want], sha)
		}
	}
	for want, shas := range moved {
		slices.Sort(shas)
		err := tx.Table("org_certificates").Where("organization_id = ? AND sha256 IN ?", orgID, shas).
			Updates(map[string]any{"superseded_by": want, "superseded_name": gorm.Expr(supersededNameSQL, want)}).Error
		if err != nil {
			return err
		}
	}
	return markStale(tx, orgID, distinct(append(slices.Collect(maps.Keys(judged)), leaves...)))
}

// staleLeafSQL says that the leaf a domain serves (the SQL leaf) is
// superseded: what the stale-endpoint insight lists, and domains.state_stale.
func staleLeafSQL(leaf string) string {
	return `EXISTS (SELECT 1 FROM org_certificates oc
	WHERE oc.organization_id = domains.organization_id AND oc.sha256 = ` + leaf + `
		AND oc.superseded_by <> '' AND oc.leaf_serving > 0)`
}

// markStale brings domains.state_stale up to date for the domains serving
// the given certificates; only the rows that change are written.
// copyListColumns sets the flag of a domain whose leaf changes as the
// summary stands then; refreshSuperseded, which runs after the summary's
// counts moved, calls this with every leaf whose count moved (a leaf
// served for the first time) and every certificate whose superseded_by it
// judged, the other ways a domain's flag changes.
func markStale(tx *gorm.DB, orgID string, shas []string) error {
	for start := 0; start < len(shas); start += certificateBatch {
		err := tx.Exec("UPDATE domains SET state_stale = NOT state_stale WHERE organization_id = ? AND state_leaf_sha256 IN ? AND state_stale <> "+staleLeafSQL("domains.state_leaf_sha256"),
			orgID, shas[start:min(start+certificateBatch, len(shas))]).Error
		if err != nil {
			return fmt.Errorf("stale domains: %w", err)
		}
	}
	return nil
}

// supersededNameSQL is the least name a certificate shares with the one
// superseding it (the argument), the name the stale-endpoint insight
// shows. It is kept with superseded_by (here and, in the same words, by
// migration 00054) so that the insight does not look it up per endpoint.
// The new superseded_by is an argument because SET reads the row as it was.
const supersededNameSQL = `COALESCE((SELECT MIN(mine.name) FROM certificate_names mine
	JOIN certificate_names theirs ON theirs.name = mine.name
	WHERE mine.sha256 = org_certificates.sha256 AND theirs.sha256 = ?), '')`

// namesSharedWith maps every certificate sharing a name with the given
// ones (them included) to its names among those shared.
func namesSharedWith(tx *gorm.DB, shas []string) (map[string][]string, error) {
	var names []string
	for start := 0; start < len(shas); start += certificateBatch {
		var chunk []string
		err := tx.Table("certificate_names").Where("sha256 IN ?", shas[start:min(start+certificateBatch, len(shas))]).
			Distinct("name").Pluck("name", &chunk).Error
		if err != nil {
			return nil, err
		}
		names = append(names, chunk...)
	}
	names = distinct(names)
	out := map[string][]string{}
	for start := 0; start < len(names); start += certificateBatch {
		var pairs []CertificateName
		err := tx.Where("name IN ?", names[start:min(start+certificateBatch, len(names))]).Find(&pairs).Error
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			out[p.SHA256] = append(out[p.SHA256], p.Name)
		}
	}
	return out, nil
}

// rivalsOf reads the organization's summary rows of the given certificates.
func rivalsOf(tx *gorm.DB, orgID string, shas []string) (map[string]rival, error) {
	out := make(map[string]rival, len(shas))
	for start := 0; start < len(shas); start += certificateBatch {
		var rows []rival
		err := tx.Table("org_certificates").Select("sha256, subject, not_before, not_after, leaf_serving, superseded_by").
			Where("organization_id = ? AND sha256 IN ?", orgID, shas[start:min(start+certificateBatch, len(shas))]).
			Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.SHA256] = r
		}
	}
	return out, nil
}
