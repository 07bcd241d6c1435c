package runner

import (
	"context"

	"certinel.dev/agent/internal/filesource"
	"certinel.dev/shared/wire"
)

// readFiles reads the certificate files of the agent's configuration and
// spools their results through the same batches as the targets'. It
// returns the ids of the batches it wrote.
func (r *Runner) readFiles(ctx context.Context, sum *Summary) (map[string]bool, error) {
	if len(r.opts.Files.Sources) == 0 {
		return nil, nil
	}
	results := make(chan wire.Result, r.opts.BatchSize)
	go func() {
		filesource.Read(ctx, r.opts.Files, func(res wire.Result) {
			if res.ErrorKind != "" {
				r.opts.Logger.Warn("certificate file failed", "path", res.File.Path, "format", res.File.Format,
					"kind", res.ErrorKind, "error", res.Error)
			}
			results <- res
		})
		close(results)
	}()
	return r.spoolAll(results, func(res wire.Result) {
		sum.Files++
		count(res, sum)
	})
}
