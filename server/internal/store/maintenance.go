package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"certinel.dev/server/internal/maintenance"
)

// Maintenance scopes: what a window silences.
const (
	MaintenanceDomain = "domain"
	MaintenanceTag    = "tag"
	MaintenanceAgent  = "agent"
)

// MaxMaintenanceWindows bounds an organization's windows, which every
// evaluation of it reads.
const MaxMaintenanceWindows = 200

// ErrTooMany means a limit on the number of objects is reached.
var ErrTooMany = errors.New("too many")

// MaintenanceWindow silences the notifications of a domain, of the domains
// with a tag, or of an agent and its domains, while it is on.
type MaintenanceWindow struct {
	ID              string
	OrganizationID  string
	Name            string
	ScopeType       string
	ScopeValue      string
	Recurrence      string
	StartsAt        *time.Time
	EndsAt          *time.Time
	Weekdays        []string `gorm:"serializer:json"`
	StartTime       string
	DurationMinutes int
	TimeZone        string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Schedule is when the window is on.
func (w MaintenanceWindow) Schedule() maintenance.Schedule {
	return maintenance.Schedule{Recurrence: w.Recurrence, StartsAt: w.StartsAt, EndsAt: w.EndsAt, Weekdays: w.Weekdays,
		StartTime: w.StartTime, Duration: time.Duration(w.DurationMinutes) * time.Minute, TimeZone: w.TimeZone}
}

// checkMaintenanceScope makes sure a domain or agent scope names one of
// the organization's: another's is not found.
func checkMaintenanceScope(tx *gorm.DB, orgID string, w MaintenanceWindow) error {
	var model any
	switch w.ScopeType {
	case MaintenanceDomain:
		model = &Domain{}
	case MaintenanceAgent:
		model = &Agent{}
	default:
		return nil
	}
	var n int64
	if err := tx.Model(model).Where("organization_id = ? AND id = ?", orgID, w.ScopeValue).Count(&n).Error; err != nil {
		return fmt.Errorf("maintenance scope: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("maintenance scope %s %s: %w", w.ScopeType, w.ScopeValue, ErrNotFound)
	}
	return nil
}

// CreateMaintenanceWindow stores a window and makes the organization's
// domains due, so that held-back or silenced notifications follow it.
func (s *Store) CreateMaintenanceWindow(ctx context.Context, orgID string, w MaintenanceWindow) (MaintenanceWindow, error) {
	now := s.now()
	w.ID, w.OrganizationID, w.CreatedAt, w.UpdatedAt = NewID(), orgID, now, now
	w.normalize()
	err := s.change(ctx, orgID, "maintenance_window.create", "maintenance_window", map[string]string{"name": w.Name}, func(tx *gorm.DB) (string, error) {
		var n int64
		if err := tx.Model(&MaintenanceWindow{}).Where("organization_id = ?", orgID).Count(&n).Error; err != nil {
			return "", err
		}
		if n >= MaxMaintenanceWindows {
			return "", ErrTooMany
		}
		if err := checkMaintenanceScope(tx, orgID, w); err != nil {
			return "", err
		}
		if err := markOrgDue(tx, orgID, now); err != nil {
			return "", err
		}
		return w.ID, tx.Create(&w).Error
	})
	if err != nil {
		return MaintenanceWindow{}, fmt.Errorf("store: create maintenance window: %w", err)
	}
	return w, nil
}

// UpdateMaintenanceWindow replaces a window's settings.
func (s *Store) UpdateMaintenanceWindow(ctx context.Context, orgID string, w MaintenanceWindow) (MaintenanceWindow, error) {
	w.UpdatedAt = s.now()
	w.normalize()
	err := s.change(ctx, orgID, "maintenance_window.update", "maintenance_window", map[string]string{"name": w.Name}, func(tx *gorm.DB) (string, error) {
		if err := checkMaintenanceScope(tx, orgID, w); err != nil {
			return "", err
		}
		if err := markOrgDue(tx, orgID, w.UpdatedAt); err != nil {
			return "", err
		}
		return w.ID, affected(tx.Model(&MaintenanceWindow{}).Where("organization_id = ? AND id = ?", orgID, w.ID).
			Select("name", "scope_type", "scope_value", "recurrence", "starts_at", "ends_at", "weekdays", "start_time",
				"duration_minutes", "time_zone", "updated_at").Updates(&w))
	})
	if err != nil {
		return MaintenanceWindow{}, fmt.Errorf("store: update maintenance window %s: %w", w.ID, err)
	}
	return s.GetMaintenanceWindow(ctx, orgID, w.ID)
}

// DeleteMaintenanceWindow removes a window.
func (s *Store) DeleteMaintenanceWindow(ctx context.Context, orgID, id string) error {
	now := s.now()
	err := s.change(ctx, orgID, "maintenance_window.delete", "maintenance_window", nil, func(tx *gorm.DB) (string, error) {
		if err := affected(tx.Where("organization_id = ? AND id = ?", orgID, id).Delete(&MaintenanceWindow{})); err != nil {
			return "", err
		}
		return id, markOrgDue(tx, orgID, now)
	})
	if err != nil {
		return fmt.Errorf("store: delete maintenance window %s: %w", id, err)
	}
	return nil
}

// GetMaintenanceWindow loads one window of the organization.
func (s *Store) GetMaintenanceWindow(ctx context.Context, orgID, id string) (MaintenanceWindow, error) {
	var w MaintenanceWindow
	if err := s.db.WithContext(ctx).Where("organization_id = ? AND id = ?", orgID, id).Take(&w).Error; err != nil {
		return MaintenanceWindow{}, fmt.Errorf("store: get maintenance window %s: %w", id, notFound(err))
	}
	return w, nil
}

// ListMaintenanceWindows lists the organization's windows, oldest first;
// there are at most MaxMaintenanceWindows.
func (s *Store) ListMaintenanceWindows(ctx context.Context, orgID string) ([]MaintenanceWindow, error) {
	var out []MaintenanceWindow
	if err := s.db.WithContext(ctx).Where("organization_id = ?", orgID).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: list maintenance windows: %w", err)
	}
	return out, nil
}

func (w *MaintenanceWindow) normalize() {
	if w.Weekdays == nil {
		w.Weekdays = []string{}
	}
	for _, t := range []*time.Time{w.StartsAt, w.EndsAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
}

// LoadNotifyContext adds to an evaluation's input what deciding its
// notifications needs: the maintenance windows, open agent outages and
// agent names of the organizations it covers. Each is bounded per
// organization (windows by MaxMaintenanceWindows, the others by agents).
func (s *Store) LoadNotifyContext(ctx context.Context, in *EvalInput) error {
	orgIDs := make([]string, 0, len(in.Orgs))
	for id := range in.Orgs {
		orgIDs = append(orgIDs, id)
	}
	in.AgentNames = map[string]string{}
	db := s.db.WithContext(ctx)
	for start := 0; start < len(orgIDs); start += observationBatch {
		chunk := orgIDs[start:min(start+observationBatch, len(orgIDs))]
		var windows []MaintenanceWindow
		if err := db.Where("organization_id IN ?", chunk).Find(&windows).Error; err != nil {
			return fmt.Errorf("store: maintenance windows: %w", err)
		}
		in.Maintenance = append(in.Maintenance, windows...)
		var outages []Alert
		// The type is in the text, not a parameter, so that a generic
		// plan still proves the partial index alerts_outage_open applies.
		if err := db.Where("organization_id IN ? AND agent_id IS NOT NULL AND domain_id IS NULL AND type = '"+outageType+"' AND "+openAlert,
			chunk).Find(&outages).Error; err != nil {
			return fmt.Errorf("store: open outages: %w", err)
		}
		in.Outages = append(in.Outages, outages...)
		var agents []struct{ ID, Name string }
		if err := db.Model(&Agent{}).Select("id, name").Where("organization_id IN ?", chunk).Find(&agents).Error; err != nil {
			return fmt.Errorf("store: agent names: %w", err)
		}
		for _, a := range agents {
			in.AgentNames[a.ID] = a.Name
		}
	}
	return nil
}
