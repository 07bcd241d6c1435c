package store

import (
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
)

// ExactCountBound is how many matches a list counts exactly. Counting every
// match reads every matching row, which at 100,000 domains costs more than
// the page itself; past the bound a list's total is an estimate, always
// above the bound, so a total at or under it is exact.
const ExactCountBound = 10_000

// boundedCount counts the rows of q up to ExactCountBound and estimates
// beyond: on PostgreSQL from the planner's statistics (the same estimate
// EXPLAIN shows), on SQLite, which serves small installations, by counting.
func (s *Store) boundedCount(q *gorm.DB) (int64, error) {
	var n int64
	capped := q.Session(&gorm.Session{}).Select("1").Limit(ExactCountBound + 1)
	if err := s.db.WithContext(q.Statement.Context).Table("(?) AS capped", capped).Count(&n).Error; err != nil {
		return 0, err
	}
	if n <= ExactCountBound {
		return n, nil
	}
	if s.dialect != Postgres {
		err := q.Session(&gorm.Session{}).Count(&n).Error
		return n, err
	}
	est, err := s.plannedRows(q)
	if err != nil {
		return 0, err
	}
	return max(est, ExactCountBound+1), nil
}

// CountIsExact says whether a total from boundedCount is a count rather
// than the planner's estimate.
func (s *Store) CountIsExact(total int64) bool {
	return total <= ExactCountBound || s.dialect != Postgres
}

// plannedRows is PostgreSQL's estimate of how many rows q returns.
func (s *Store) plannedRows(q *gorm.DB) (int64, error) {
	var ids []string
	stmt := q.Session(&gorm.Session{DryRun: true}).Select("1").Find(&ids).Statement
	var raw string
	// Sent as built: Raw would take the "@" of a text search (@@) for a
	// named argument and drop the arguments.
	if err := s.db.ConnPool.QueryRowContext(stmt.Context, "EXPLAIN (FORMAT JSON) "+stmt.SQL.String(), stmt.Vars...).Scan(&raw); err != nil {
		return 0, fmt.Errorf("explain: %w", err)
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(raw), &plan); err != nil || len(plan) == 0 {
		return 0, fmt.Errorf("explain: unexpected plan %.100q", raw)
	}
	return int64(plan[0].Plan.Rows), nil
}
