package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// File sources are certificates an agent reads from files on its own host.
// Each item is a domain of protocol FileProtocol, created on the first push
// that names it, so that lists, verdicts, alerts, history and the
// inventory serve files as they serve endpoints. Its identity is the
// organization, the agent, the host, the path and the entry.

// FileProtocol is the protocol of a file item's domain.
const FileProtocol = "file"

// Kinds of DomainFilter.Kind.
const (
	KindFile     = "file"
	KindEndpoint = "endpoint"
)

// MaxFileSourcesPerAgent is the usual bound on the file items one agent
// may create: a host's configuration names a few hundred files at most, so
// more is a runaway glob, and every item costs rows and judging.
const MaxFileSourcesPerAgent = 10_000

// ErrTooManyFileSources refuses a new file item beyond an agent's bound.
var ErrTooManyFileSources = errors.New("too many file items")

// FileSourceRetention is how long a file item no push reported is kept:
// the agent's configuration no longer names it (or the agent is gone).
// A week outlasts an agent down over a long weekend.
const FileSourceRetention = 7 * 24 * time.Hour

// FileKey names one file item of an agent.
type FileKey struct {
	Host, Path, Entry string
}

// key is the item's identity within its agent.
func (k FileKey) key() string { return k.Host + "\x00" + k.Path + "\x00" + k.Entry }

// FileSources returns the agent's file items named by keys, creating those
// that do not exist yet with the given formats (by key, in keys' order)
// while the agent has fewer than limit. refused holds, by index in keys,
// the items beyond the bound (ErrTooManyFileSources).
func (s *Store) FileSources(ctx context.Context, orgID, agentID string, keys []FileKey, formats []string, limit int) (found map[FileKey]Domain, refused map[int]error, err error) {
	found, refused = make(map[FileKey]Domain, len(keys)), make(map[int]error)
	now := s.now()
	err = s.transact(ctx, func(tx *gorm.DB) error {
		clear(refused) // a retried transaction starts over
		held, err := agentFileSources(tx, orgID, agentID, keys)
		if err != nil {
			return err
		}
		var count int64
		if err := tx.Model(&Domain{}).Where("agent_id = ? AND protocol = ?", agentID, FileProtocol).Count(&count).Error; err != nil {
			return fmt.Errorf("count: %w", err)
		}
		var fresh []Domain
		seen := make(map[string]bool)
		for i, k := range keys {
			if _, ok := held[k.key()]; ok || seen[k.key()] {
				continue
			}
			if count >= int64(limit) {
				refused[i] = fmt.Errorf("file: the agent already reports %d file items, the most it may have; narrow its file sources: %w", limit, ErrTooManyFileSources)
				continue
			}
			seen[k.key()] = true
			count++
			fresh = append(fresh, Domain{ID: NewID(), OrganizationID: orgID, Host: k.Host, HostKey: hostKey(k.Host), Port: 0,
				Protocol: FileProtocol, AgentID: &agentID, FilePath: k.Path, FileEntry: k.Entry, FileFormat: formats[i],
				CreatedAt: now, UpdatedAt: now})
		}
		if len(fresh) > 0 {
			// Two batches of one agent may create the same item at once:
			// the loser keeps the winner's row, read again below.
			slices.SortFunc(fresh, func(a, b Domain) int {
				return strings.Compare(FileKey{a.Host, a.FilePath, a.FileEntry}.key(), FileKey{b.Host, b.FilePath, b.FileEntry}.key())
			})
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(fresh, observationBatch).Error; err != nil {
				return fmt.Errorf("create: %w", err)
			}
			if held, err = agentFileSources(tx, orgID, agentID, keys); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if d, ok := held[k.key()]; ok {
				found[k] = d
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: file sources of agent %s: %w", agentID, err)
	}
	return found, refused, nil
}

// agentFileSources reads the agent's file items on the given paths, by key.
func agentFileSources(tx *gorm.DB, orgID, agentID string, keys []FileKey) (map[string]Domain, error) {
	paths := make([]string, 0, len(keys))
	for _, k := range keys {
		paths = append(paths, k.Path)
	}
	paths = slices.Compact(slices.Sorted(slices.Values(paths)))
	out := make(map[string]Domain, len(keys))
	for start := 0; start < len(paths); start += observationBatch {
		var rows []Domain
		err := tx.Where("organization_id = ? AND agent_id = ? AND protocol = ? AND file_path IN ?", orgID, agentID, FileProtocol,
			paths[start:min(start+observationBatch, len(paths))]).Find(&rows).Error
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		for _, d := range rows {
			out[FileKey{d.Host, d.FilePath, d.FileEntry}.key()] = d
		}
	}
	return out, nil
}

// PruneFileSources deletes, across organizations, up to maxRows file items
// no push reported since before (their last check, or their creation when
// never checked), with their history, as DeleteDomain does.
func (s *Store) PruneFileSources(ctx context.Context, before time.Time, maxRows int) (int64, error) {
	var rows []Domain
	err := s.db.WithContext(ctx).Table("domains").Select("domains.id, domains.organization_id").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Where("domains.protocol = ? AND COALESCE(ds.checked_at, domains.created_at) < ?", FileProtocol, before).
		Order("domains.organization_id, domains.id").Limit(maxRows).Find(&rows).Error
	if err != nil {
		return 0, fmt.Errorf("store: prune file sources: %w", err)
	}
	byOrg := make(map[string][]string)
	for _, d := range rows {
		byOrg[d.OrganizationID] = append(byOrg[d.OrganizationID], d.ID)
	}
	var n int64
	for orgID, ids := range byOrg {
		var deleted int64
		err := s.transact(ctx, func(tx *gorm.DB) error {
			leaves, err := releaseDomains(tx, orgID, ids)
			if err != nil {
				return err
			}
			deleted = 0
			for chunk := range slices.Chunk(ids, observationBatch) {
				res := tx.Where("organization_id = ? AND protocol = ? AND id IN ?", orgID, FileProtocol, chunk).Delete(&Domain{})
				if res.Error != nil {
					return res.Error
				}
				deleted += res.RowsAffected
			}
			return refreshLeaves(tx, orgID, leaves)
		})
		if err != nil {
			return n, fmt.Errorf("store: prune file sources of %s: %w", orgID, err)
		}
		n += deleted
	}
	return n, nil
}
