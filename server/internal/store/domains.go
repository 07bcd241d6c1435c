package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrAgentNotFound means a domain names an agent the organization does not have.
var ErrAgentNotFound = errors.New("agent not found")

// Domain is a monitored endpoint.
type Domain struct {
	ID             string
	OrganizationID string
	Host           string
	// HostKey orders hosts naturally (see hostKey).
	HostKey  string
	Port     int
	Protocol string
	SNI      string `gorm:"column:sni"`
	AgentID  *string
	// RenewAfterFraction overrides when renewal is due, as a fraction of
	// the certificate's lifetime; nil uses the organization's policy.
	RenewAfterFraction *float64
	// A file item (Protocol FileProtocol) is named by its path on the
	// agent's host and its entry in the file; see file_sources.go.
	FilePath   string
	FileEntry  string
	FileFormat string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Tags       []string `gorm:"-"`
}

// DomainState is the latest check of a domain.
type DomainState struct {
	DomainID       string
	OrganizationID string
	ObservationID  string
	// SampleKey is the key of the current sample (see sampleKey).
	SampleKey     string
	CheckedAt     time.Time
	Error         string
	ErrorKind     string
	LeafSHA256    string `gorm:"column:leaf_sha256"`
	NotAfter      *time.Time
	VerdictStatus string
	TrustStatus   string
	// Problems is a comma-separated list of analysis problem codes.
	Problems string
	// The negotiated protocol version and key exchange group, empty when
	// the check failed or the agent is too old to report the group.
	TLSVersion  string
	KeyExchange string
	PostQuantum bool
	// The chain's renewal window and when it turns urgent; nil without one.
	WindowStart  *time.Time
	WindowEnd    *time.Time
	WindowSource string
	UrgentAt     *time.Time
	// ConsecutiveFailures counts failed checks in a row; FailingSince is
	// when the current run of failures began.
	ConsecutiveFailures int
	FailingSince        *time.Time
	// ChainKey and JudgedUntil let a check that presents the same chain be
	// stored without judging it again (see saveRepeats).
	ChainKey    string
	JudgedUntil *time.Time
}

// CertificateChange records a target starting to serve another leaf.
type CertificateChange struct {
	ID             string
	OrganizationID string
	DomainID       string
	OldSHA256      string `gorm:"column:old_sha256"`
	NewSHA256      string `gorm:"column:new_sha256"`
	ObservedAt     time.Time
}

// CreateDomain stores a domain with its tags.
func (s *Store) CreateDomain(ctx context.Context, orgID string, d Domain) (Domain, error) {
	now := s.now()
	d.ID = NewID()
	d.OrganizationID = orgID
	d.CreatedAt, d.UpdatedAt = now, now
	err := s.change(ctx, orgID, "domain.create", "domain", domainDetails(d), func(tx *gorm.DB) (string, error) {
		if err := checkAgent(tx, orgID, d.AgentID); err != nil {
			return "", err
		}
		if err := tx.Create(&d).Error; err != nil {
			return "", endpointConflict(err, d)
		}
		return d.ID, replaceTags(tx, orgID, d.ID, d.Tags)
	})
	if err != nil {
		return Domain{}, fmt.Errorf("store: create domain: %w", err)
	}
	return d, nil
}

// CreateDomains stores many domains in one transaction: all or none.
func (s *Store) CreateDomains(ctx context.Context, orgID string, ds []Domain) ([]Domain, error) {
	now := s.now()
	agents := make(map[string]bool)
	var tags []map[string]any
	seen := make(map[string]bool, len(ds))
	for i := range ds {
		if seen[ds[i].Key()] {
			return nil, fmt.Errorf("store: create %d domains: %w", len(ds), &EndpointTakenError{Domain: ds[i]})
		}
		seen[ds[i].Key()] = true
		ds[i].ID = NewID()
		ds[i].OrganizationID = orgID
		ds[i].CreatedAt, ds[i].UpdatedAt = now, now
		if ds[i].AgentID != nil {
			agents[*ds[i].AgentID] = true
		}
		for _, t := range ds[i].Tags {
			tags = append(tags, map[string]any{"domain_id": ds[i].ID, "organization_id": orgID, "tag": t})
		}
	}
	err := s.change(ctx, orgID, "domain.import", "domain", map[string]int{"count": len(ds)}, func(tx *gorm.DB) (string, error) {
		for id := range agents {
			if err := checkAgent(tx, orgID, &id); err != nil {
				return "", err
			}
		}
		// A concurrent writer took one of them: which one, the error does not say.
		if err := tx.CreateInBatches(ds, observationBatch).Error; err != nil {
			if isUniqueViolation(err) {
				return "", ErrConflict
			}
			return "", err
		}
		if len(tags) == 0 {
			return "", nil
		}
		return "", tx.Table("domain_tags").CreateInBatches(tags, observationBatch).Error
	})
	if err != nil {
		return nil, fmt.Errorf("store: create %d domains: %w", len(ds), err)
	}
	return ds, nil
}

// UpdateDomain saves a changed domain (all fields, tags replaced).
func (s *Store) UpdateDomain(ctx context.Context, orgID string, d Domain) (Domain, error) {
	d.UpdatedAt = s.now()
	err := s.change(ctx, orgID, "domain.update", "domain", domainDetails(d), func(tx *gorm.DB) (string, error) {
		if err := checkAgent(tx, orgID, d.AgentID); err != nil {
			return "", err
		}
		res := tx.Model(&Domain{}).Where("organization_id = ? AND id = ?", orgID, d.ID).Updates(map[string]any{
			"host": d.Host, "host_key": hostKey(d.Host), "port": d.Port, "protocol": d.Protocol, "sni": d.SNI,
			"agent_id": d.AgentID, "renew_after_fraction": d.RenewAfterFraction, "updated_at": d.UpdatedAt,
		})
		if res.Error != nil {
			return "", endpointConflict(res.Error, d)
		}
		if err := affected(res); err != nil {
			return "", err
		}
		// Its tags and agent decide which rules apply to it.
		if err := markDue(tx, orgID, []string{d.ID}, d.UpdatedAt); err != nil {
			return "", err
		}
		// Its name and renewal fraction are judged with its chain: the
		// next check is judged.
		if err := tx.Exec("UPDATE domain_states SET judged_until = NULL WHERE domain_id = ? AND organization_id = ?", d.ID, orgID).Error; err != nil {
			return "", err
		}
		return d.ID, replaceTags(tx, orgID, d.ID, d.Tags)
	})
	if err != nil {
		return Domain{}, fmt.Errorf("store: update domain %s: %w", d.ID, err)
	}
	return d, nil
}

func checkAgent(tx *gorm.DB, orgID string, agentID *string) error {
	if agentID == nil {
		return nil
	}
	var n int64
	if err := tx.Model(&Agent{}).Where("organization_id = ? AND id = ?", orgID, *agentID).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrAgentNotFound
	}
	return nil
}

func replaceTags(tx *gorm.DB, orgID, domainID string, tags []string) error {
	if err := tx.Exec("DELETE FROM domain_tags WHERE domain_id = ?", domainID).Error; err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	rows := make([]map[string]any, len(tags))
	for i, t := range tags {
		rows[i] = map[string]any{"domain_id": domainID, "organization_id": orgID, "tag": t}
	}
	return tx.Table("domain_tags").Create(rows).Error
}

// DeleteDomain removes a domain and its history.
func (s *Store) DeleteDomain(ctx context.Context, orgID, id string) error {
	err := s.change(ctx, orgID, "domain.delete", "domain", nil, func(tx *gorm.DB) (string, error) {
		leaves, err := releaseDomains(tx, orgID, []string{id})
		if err != nil {
			return "", err
		}
		if err := affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&Domain{})); err != nil {
			return "", err
		}
		return id, refreshLeaves(tx, orgID, leaves)
	})
	if err != nil {
		return fmt.Errorf("store: delete domain %s: %w", id, err)
	}
	return nil
}

// GetDomain loads one domain with its latest check.
func (s *Store) GetDomain(ctx context.Context, orgID, id string, floorDays int) (DomainView, error) {
	q, now := s.domainViews(ctx, orgID)
	var v DomainView
	if err := q.Where("domains.id = ?", id).Take(&v).Error; err != nil {
		return DomainView{}, fmt.Errorf("store: get domain %s: %w", id, notFound(err))
	}
	v.settle(now, floorDays)
	if err := s.attachTags(ctx, []*Domain{&v.Domain}); err != nil {
		return DomainView{}, err
	}
	return v, nil
}

func (s *Store) attachTags(ctx context.Context, ds []*Domain) error {
	if len(ds) == 0 {
		return nil
	}
	byID := make(map[string]*Domain, len(ds))
	ids := make([]string, len(ds))
	for i, d := range ds {
		byID[d.ID] = d
		ids[i] = d.ID
		d.Tags = []string{}
	}
	for chunk := range slices.Chunk(ids, observationBatch) {
		var rows []struct{ DomainID, Tag string }
		if err := s.db.WithContext(ctx).Table("domain_tags").Select("domain_id, tag").
			Where("domain_id IN ?", chunk).Order("tag").Find(&rows).Error; err != nil {
			return fmt.Errorf("store: domain tags: %w", err)
		}
		for _, r := range rows {
			byID[r.DomainID].Tags = append(byID[r.DomainID].Tags, r.Tag)
		}
	}
	return nil
}

// AgentTargets lists the domains assigned to an agent.
func (s *Store) AgentTargets(ctx context.Context, orgID, agentID string) ([]Domain, error) {
	var out []Domain
	// File items are read by the agent from its own configuration, never
	// handed to it as targets.
	err := s.db.WithContext(ctx).Where("organization_id = ? AND agent_id = ? AND protocol <> ?", orgID, agentID, FileProtocol).
		Order("host, port, id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: targets of agent %s: %w", agentID, err)
	}
	return out, nil
}

// AgentTargetsOf loads those of the given domains that are assigned to the
// agent: what ingest needs to check a batch, read by key rather than the
// agent's whole target list at every batch. Unknown IDs are left out.
func (s *Store) AgentTargetsOf(ctx context.Context, orgID, agentID string, ids []string) ([]Domain, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	var out []Domain
	for start := 0; start < len(ids); start += observationBatch {
		var chunk []Domain
		err := s.db.WithContext(ctx).Where("organization_id = ? AND agent_id = ? AND id IN ?", orgID, agentID, ids[start:min(start+observationBatch, len(ids))]).
			Find(&chunk).Error
		if err != nil {
			return nil, fmt.Errorf("store: targets of agent %s: %w", agentID, err)
		}
		out = append(out, chunk...)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// DomainStateOf loads the latest check of a domain of the organization.
func (s *Store) DomainStateOf(ctx context.Context, orgID, domainID string) (DomainState, error) {
	var st DomainState
	err := s.db.WithContext(ctx).Table("domain_states ds").Select("ds.*").
		Joins("JOIN domains d ON d.id = ds.domain_id").
		Where("d.organization_id = ? AND ds.domain_id = ?", orgID, domainID).Take(&st).Error
	if err != nil {
		return DomainState{}, fmt.Errorf("store: state of domain %s: %w", domainID, notFound(err))
	}
	return st, nil
}

// DueServerChecks lists domains without an agent, across every
// organization, whose last check is older than before (never-checked ones
// first). It serves the server's own check job, which acts for all tenants.
func (s *Store) DueServerChecks(ctx context.Context, before time.Time, limit int) ([]Domain, error) {
	var out []Domain
	err := s.db.WithContext(ctx).Table("domains").Select("domains.*").
		Joins("LEFT JOIN domain_states ds ON ds.domain_id = domains.id").
		Where("domains.agent_id IS NULL AND domains.protocol <> ? AND (ds.domain_id IS NULL OR ds.checked_at < ?)", FileProtocol, before).
		Order("CASE WHEN ds.checked_at IS NULL THEN 0 ELSE 1 END, ds.checked_at, domains.id").
		Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: due server checks: %w", err)
	}
	return out, nil
}

// DomainKeys lists the endpoint identity of each of the organization's
// domains (see Key), for imports to skip what exists.
func (s *Store) DomainKeys(ctx context.Context, orgID string) (map[string]bool, error) {
	var rows []Domain
	if err := s.db.WithContext(ctx).Select("host, port, protocol, sni, agent_id, file_path, file_entry").Where("organization_id = ?", orgID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: domain keys: %w", err)
	}
	out := make(map[string]bool, len(rows))
	for _, d := range rows {
		out[d.Key()] = true
	}
	return out, nil
}

// Key is the endpoint identity the unique index domains_endpoint enforces.
func (d Domain) Key() string {
	agent := ""
	if d.AgentID != nil {
		agent = *d.AgentID
	}
	return fmt.Sprintf("%s|%d|%s|%s|%s|%s|%s", d.Host, d.Port, d.Protocol, d.EndpointSNI(), agent, d.FilePath, d.FileEntry)
}

func domainDetails(d Domain) map[string]any {
	return map[string]any{"host": d.Host, "port": d.Port, "protocol": d.Protocol, "sni": d.SNI, "agent_id": d.AgentID}
}
