package control_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"certinel.dev/server/internal/control"
	"certinel.dev/server/internal/store"
	"certinel.dev/server/internal/store/storetest"
	"certinel.dev/shared/wire"
)

// TestCommandReachesOtherReplica: a command sent on one replica wakes the
// agent's poll held on another, through LISTEN/NOTIFY on PostgreSQL.
func TestCommandReachesOtherReplica(t *testing.T) {
	dsn := storetest.PostgresSchemaURL(t)
	st := storetest.OpenPostgresURL(t, dsn, store.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, org, err := st.CreateAccount(ctx, "l@example.com", "h", "L")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := st.CreateAgent(ctx, org.ID, store.Agent{Name: "a", Prefix: "p", TokenHash: "h"})
	if err != nil {
		t.Fatal(err)
	}
	held := control.NewHub(10)
	poll, _ := held.Open(agent.ID)
	defer poll.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		control.Listen(ctx, dsn, held, slog.New(slog.DiscardHandler))
	}()
	// Once listening, the replica wakes every poll (it may have missed
	// notifications while connecting).
	wait(t, poll, "the listener to connect")

	other := &control.Sender{Store: st, Hub: control.NewHub(10)}
	if err := other.Send(ctx, org.ID, agent.ID, wire.CommandCheck, wire.CommandArgs{TargetIDs: []string{"d"}}); err != nil {
		t.Fatal(err)
	}
	wait(t, poll, "the notification of a command sent on the other replica")
	cmds, err := st.TakeCommands(ctx, org.ID, agent.ID)
	if got := control.Commands(cmds); err != nil || len(got) != 1 || got[0].Kind != wire.CommandCheck || got[0].TargetIDs[0] != "d" {
		t.Fatalf("commands: %+v %v", got, err)
	}
	cancel()
	<-done
}

func wait(t *testing.T, p *control.Poll, what string) {
	t.Helper()
	select {
	case <-p.C():
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}
