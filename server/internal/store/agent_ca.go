package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The agent CA belongs to the server, not to a tenant: one root and issuing
// CA sign every organization's agent certificates, which name their
// organization. Its private keys are sealed with the server's secret key,
// bound to the row and the key's role, like channel configs.

// agentCAID is the one row of agent_cas.
const agentCAID = "agent"

// AgentCA is the server's agent CA, PEM, with its keys opened.
type AgentCA struct {
	ID          string
	RootCert    string
	RootKey     string
	IssuingCert string
	IssuingKey  string
	CRLNumber   int64 `gorm:"column:crl_number"`
	CreatedAt   time.Time
}

func (AgentCA) TableName() string { return "agent_cas" }

// EnsureAgentCA returns the server's agent CA, creating it with generate on
// the first start. Replicas starting together may each generate one; the
// first insert wins and every replica reads the winner. Keys sealed with an
// older key of the keyring are sealed again with the current one, so that
// the old key can be dropped, as for channel configs.
func (s *Store) EnsureAgentCA(ctx context.Context, generate func() (AgentCA, error)) (AgentCA, error) {
	ca, stale, err := s.agentCA(ctx)
	if err == nil && stale {
		err = s.resealAgentCA(ctx, ca)
	}
	if !errors.Is(err, ErrNotFound) {
		return ca, err
	}
	fresh, err := generate()
	if err != nil {
		return AgentCA{}, fmt.Errorf("store: generate agent ca: %w", err)
	}
	fresh.ID, fresh.CreatedAt, fresh.CRLNumber = agentCAID, s.now(), 0
	row, err := s.sealAgentCA(fresh)
	if err != nil {
		return AgentCA{}, err
	}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return AgentCA{}, fmt.Errorf("store: create agent ca: %w", err)
	}
	ca, _, err = s.agentCA(ctx)
	return ca, err
}

// agentCA reads the CA with its keys opened; stale tells that they were
// sealed with an older key of the keyring.
func (s *Store) agentCA(ctx context.Context) (ca AgentCA, stale bool, err error) {
	if err := s.db.WithContext(ctx).Where("id = ?", agentCAID).Take(&ca).Error; err != nil {
		return AgentCA{}, false, fmt.Errorf("store: agent ca: %w", notFound(err))
	}
	stale = s.keys != nil && (!s.keys.SealedWithCurrent(ca.RootKey) || !s.keys.SealedWithCurrent(ca.IssuingKey))
	if err := s.openAgentCA(&ca); err != nil {
		return AgentCA{}, false, err
	}
	return ca, stale, nil
}

// resealAgentCA writes the CA's keys sealed with the current key.
func (s *Store) resealAgentCA(ctx context.Context, ca AgentCA) error {
	row, err := s.sealAgentCA(ca)
	if err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Model(&AgentCA{}).Where("id = ?", agentCAID).
		Updates(map[string]any{"root_key": row.RootKey, "issuing_key": row.IssuingKey}).Error
	if err != nil {
		return fmt.Errorf("store: reseal agent ca: %w", err)
	}
	return nil
}

func (s *Store) sealAgentCA(ca AgentCA) (AgentCA, error) {
	if s.keys == nil {
		return AgentCA{}, fmt.Errorf("store: seal agent ca: %w", errNoKeys)
	}
	var err error
	if ca.RootKey, err = s.keys.Seal([]byte(ca.RootKey), "agent_cas", ca.ID, "root"); err != nil {
		return AgentCA{}, fmt.Errorf("store: seal agent ca root key: %w", err)
	}
	if ca.IssuingKey, err = s.keys.Seal([]byte(ca.IssuingKey), "agent_cas", ca.ID, "issuing"); err != nil {
		return AgentCA{}, fmt.Errorf("store: seal agent ca issuing key: %w", err)
	}
	return ca, nil
}

func (s *Store) openAgentCA(ca *AgentCA) error {
	if s.keys == nil {
		return fmt.Errorf("store: open agent ca: %w", errNoKeys)
	}
	root, err := s.keys.Open(ca.RootKey, "agent_cas", ca.ID, "root")
	if err != nil {
		return fmt.Errorf("store: open agent ca root key: %w", err)
	}
	issuing, err := s.keys.Open(ca.IssuingKey, "agent_cas", ca.ID, "issuing")
	if err != nil {
		return fmt.Errorf("store: open agent ca issuing key: %w", err)
	}
	ca.RootKey, ca.IssuingKey = string(root), string(issuing)
	return nil
}

// NextCRLNumber takes the next number of the agent CA's revocation list:
// every list the server signs has a greater number than the one before,
// across replicas.
func (s *Store) NextCRLNumber(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&AgentCA{}).Where("id = ?", agentCAID).Update("crl_number", gorm.Expr("crl_number + 1"))
		if err := affected(res); err != nil {
			return err
		}
		return tx.Raw("SELECT crl_number FROM agent_cas WHERE id = ?", agentCAID).Scan(&n).Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: next crl number: %w", err)
	}
	return n, nil
}

// ImportAgentCA makes ca, brought by the operator, the server's agent CA.
// The same certificates as the current CA's change nothing (replaced
// false). Another CA is replaced; live counts the unrevoked, unexpired
// certificates it had issued, which the new CA will not verify. The CRL
// number carries on, so that lists keep increasing.
func (s *Store) ImportAgentCA(ctx context.Context, ca AgentCA) (replaced bool, live int64, err error) {
	ca.ID, ca.CreatedAt = agentCAID, s.now()
	row, err := s.sealAgentCA(ca)
	if err != nil {
		return false, 0, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var cur AgentCA
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", agentCAID).Take(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
		case err != nil:
			return err
		case cur.RootCert == ca.RootCert && cur.IssuingCert == ca.IssuingCert:
			return nil
		}
		replaced = true
		if err := tx.Model(&AgentCertificate{}).Where("revoked_at IS NULL AND not_after > ?", ca.CreatedAt).Count(&live).Error; err != nil {
			return err
		}
		return tx.Model(&AgentCA{}).Where("id = ?", agentCAID).Updates(map[string]any{"root_cert": row.RootCert, "root_key": row.RootKey,
			"issuing_cert": row.IssuingCert, "issuing_key": row.IssuingKey, "created_at": row.CreatedAt}).Error
	})
	if err != nil {
		return false, 0, fmt.Errorf("store: import agent ca: %w", err)
	}
	return replaced, live, nil
}
