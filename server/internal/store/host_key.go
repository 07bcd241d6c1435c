package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// hostKey is the key a domain list sorts hosts by, so that numbers inside
// names and addresses sort as numbers (127.0.1.15 before 127.0.1.100,
// web2 before web10). Every run of digits becomes its length in three
// digits followed by the digits without leading zeros; compared byte by
// byte, a shorter number then sorts before a longer one. It is stored on
// write (domains.host_key, a byte-ordered column in both dialects) so an
// index serves the order and keyset paging.
func hostKey(host string) string {
	host = strings.ToLower(host)
	var b strings.Builder
	b.Grow(len(host) + 8)
	for i := 0; i < len(host); {
		if !isDigit(host[i]) {
			b.WriteByte(host[i])
			i++
			continue
		}
		j := i
		for j < len(host) && isDigit(host[j]) {
			j++
		}
		digits := strings.TrimLeft(host[i:j], "0")
		fmt.Fprintf(&b, "%03d%s", len(digits), digits)
		i = j
	}
	return b.String()
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// BeforeCreate keys every domain inserted through GORM (one, a batch, or
// an adopted discovery); UpdateDomain sets the key with the host.
func (d *Domain) BeforeCreate(*gorm.DB) error {
	d.HostKey = hostKey(d.Host)
	return nil
}

// backfillHostKeys keys the domains stored before host_key existed
// (migration 00048). SQL alone cannot compute the key in both dialects;
// once done, it costs one empty query.
func (s *Store) backfillHostKeys(ctx context.Context) error {
	for {
		var rows []struct{ ID, Host string }
		err := s.db.WithContext(ctx).Table("domains").Select("id, host").
			Where("host_key = ''").Order("id").Limit(backfillBatch).Find(&rows).Error
		if err != nil {
			return fmt.Errorf("store: backfill host keys: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		err = s.transact(ctx, func(tx *gorm.DB) error {
			for _, r := range rows {
				if err := tx.Table("domains").Where("id = ?", r.ID).Update("host_key", hostKey(r.Host)).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: backfill host keys: %w", err)
		}
	}
}
