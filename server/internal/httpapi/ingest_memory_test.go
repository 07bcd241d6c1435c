package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"certinel.dev/server/internal/store"
)

// gzipBomb is a small gzip body that inflates to a results batch of size
// bytes, nearly all of them one string.
func gzipBomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(`{"batch_id":"bomb","results":[{"error":"`))
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range size >> 20 {
		_, _ = zw.Write(chunk)
	}
	_, _ = zw.Write([]byte(`"}]}`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestConcurrentGzipBombs sends 32 gzip bombs at once from an agent's
// credentials. Each must answer 413, the heap in use must stay far below
// the bombs' inflated size while they are read, and once they are answered
// it must be back near where it started. The server once inflated each
// bomb to 64 MiB and held all 32 at once: gigabytes.
//
// Not parallel: the heap is the whole test binary's.
func TestConcurrentGzipBombs(t *testing.T) {
	const bombs = 32
	// The bombs are refused before the store is reached: one dialect will do.
	srv := newTestServer(t, store.SQLite)
	agent := srv.agentClient(t, srv.newTenant(t, "bombs@example.com"))
	agent.http.Timeout = 5 * time.Minute
	bomb := gzipBomb(t, 80<<20)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	statuses := make([]int, bombs)
	errs := make([]error, bombs)
	peak := heapPeak(func() {
		var wg sync.WaitGroup
		for i := range bombs {
			wg.Go(func() { statuses[i], errs[i] = sendBomb(agent, bomb) })
		}
		wg.Wait()
	})
	runtime.GC()
	runtime.ReadMemStats(&after)

	for i := range bombs {
		if errs[i] != nil || statuses[i] != http.StatusRequestEntityTooLarge {
			t.Errorf("bomb %d: status %d, error %v; want 413", i, statuses[i], errs[i])
		}
	}
	const mib = 1 << 20
	if grew := int64(peak) - int64(before.HeapInuse); grew > 512*mib {
		t.Errorf("the heap in use grew by %d MiB to take the bombs, want under 512 MiB", grew/mib)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 64*mib {
		t.Errorf("after the bombs the heap holds %d MiB more than before, want it back near its start", grew/mib)
	}
	t.Logf("heap in use: %d MiB before, %d MiB at the highest seen, %d MiB after", before.HeapInuse/mib, peak/mib, after.HeapInuse/mib)
}

// sendBomb posts a bomb as an agent would: a 503 (the server is busy with
// other batches) is sent again after a pause, a bounded number of times.
func sendBomb(agent *client, bomb []byte) (int, error) {
	for range 5 {
		status, _, err := agent.send(bomb, map[string]string{"Content-Encoding": "gzip"})
		if err != nil || status != http.StatusServiceUnavailable {
			return status, err
		}
		time.Sleep(time.Second)
	}
	return http.StatusServiceUnavailable, nil
}

// heapPeak runs fn and returns the most heap in use seen while it ran.
// Samples can only miss the very top, never add to it, so a bound on the
// result is never failed by chance.
func heapPeak(fn func()) uint64 {
	done := make(chan struct{})
	sampled := make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				sampled <- peak
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	return <-sampled
}
