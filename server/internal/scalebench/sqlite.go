package scalebench

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	_ "github.com/glebarez/go-sqlite" // the "sqlite" driver, for checkpoints
)

// checkpointAttempts bounds the checkpoints tried before a size gives up:
// one finds the log busy only when the server wrote again right after
// falling quiet.
const checkpointAttempts = 5

// sqliteSize is the size of the main database file at path once the server
// has stopped writing (see waitQuiet, whose answer it passes on) and a
// checkpoint has copied the write-ahead log into it. The -wal and -shm
// files are left out: after the checkpoint the file holds every committed
// page, so frames the server appends before the files are measured would
// count their pages twice, and the log's length is a high-water mark that
// SQLite writes over from its start after each checkpoint (bounded by the
// autocheckpoint), not data the database keeps.
func sqliteSize(ctx context.Context, path string) (int64, bool, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, false, fmt.Errorf("scalebench: open sqlite: %w", err)
	}
	defer db.Close()
	// One connection: data_version tells what other connections committed
	// since this one last asked.
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("scalebench: open sqlite: %w", err)
	}
	defer conn.Close()
	var version int64
	quiet, err := waitQuiet(ctx, func(ctx context.Context) (bool, error) {
		last := version
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&version); err != nil {
			return false, fmt.Errorf("scalebench: sqlite data version: %w", err)
		}
		return version != last, nil
	})
	if err != nil {
		return 0, false, err
	}
	for attempt := 1; ; attempt++ {
		var busy, frames, copied int
		if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied); err != nil {
			return 0, false, fmt.Errorf("scalebench: sqlite checkpoint: %w", err)
		}
		if busy == 0 {
			break
		}
		if attempt == checkpointAttempts {
			return 0, false, fmt.Errorf("scalebench: sqlite checkpoint: the log stayed busy %d times", attempt)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, false, fmt.Errorf("scalebench: sqlite size: %w", err)
	}
	return info.Size(), quiet, nil
}
