package store

import "github.com/jackc/pgx/v5/pgtype"

// arrayOf is one field of each row as a PostgreSQL array parameter, a
// type GORM passes on whole rather than spreads into a list.
func arrayOf[R, T any](rows []R, field func(R) T) pgtype.Array[T] {
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = field(r)
	}
	return pgtype.Array[T]{Elements: out, Dims: []pgtype.ArrayDimension{{Length: int32(len(out)), LowerBound: 1}}, Valid: true}
}
