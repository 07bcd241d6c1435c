package service

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

// Main runs the program until it returns or is told to stop: by Ctrl+C in a
// console, and by Stop or Shutdown when the service control manager
// started it. Under the SCM the program's log goes to the Application event
// log (source certinel-agent), which Windows keeps bounded.
func Main(program func(ctx context.Context, stderr io.Writer) int) int {
	if managed, err := svc.IsWindowsService(); err != nil || !managed {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return program(ctx, os.Stderr)
	}
	elog, err := eventlog.Open(Name)
	if err != nil {
		return 1
	}
	defer elog.Close()
	h := &handler{program: program, log: eventWriter{elog}}
	if err := svc.Run(Name, h); err != nil {
		_ = elog.Error(1, "service: "+err.Error())
		return 1
	}
	return h.code
}

// handler runs the program under the SCM, and on Stop or Shutdown cancels
// it as Ctrl+C would and waits for it to return.
type handler struct {
	program func(ctx context.Context, stderr io.Writer) int
	log     io.Writer
	code    int
}

func (h *handler) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- h.program(ctx, h.log) }()
	const accepts = svc.AcceptStop | svc.AcceptShutdown
	status <- svc.Status{State: svc.Running, Accepts: accepts}
	for {
		select {
		case h.code = <-done:
			// The program ended on its own: a failure the recovery
			// actions restart, reported as a service-specific exit code.
			status <- svc.Status{State: svc.StopPending}
			return h.code != 0, uint32(h.code)
		case r := <-requests:
			switch r.Cmd {
			case svc.Interrogate:
				status <- r.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
				h.code = <-done
				return false, 0
			}
		}
	}
}

// eventWriter sends each log line to the event log with the severity its
// slog level asks for.
type eventWriter struct{ elog *eventlog.Log }

func (w eventWriter) Write(p []byte) (int, error) {
	send := map[severity]func(uint32, string) error{
		severityInfo: w.elog.Info, severityWarning: w.elog.Warning, severityError: w.elog.Error,
	}
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		if err := send[lineSeverity(line)](1, line); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
