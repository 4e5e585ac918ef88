package throttle_test

import (
	"fmt"
	"time"

	"github.com/codextel/codextel/core/throttle"
)

func Example() {
	// Pass the first 2 events per thread and second, then every 3rd.
	th := throttle.New(throttle.WithSampler(2, 3, time.Second))
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	th.Tick(start) // the owner ticks; tests drive the clock by hand

	for i := 1; i <= 10; i++ {
		if th.Allow("codex.item.agent_message.delta", "thread-1") {
			fmt.Println("pass delta", i)
		}
	}
	th.Allow("codex.item.agent_message.delta", "thread-2") // a key of its own

	th.Tick(start.Add(time.Second))
	for _, d := range th.Flush() {
		fmt.Printf("dropped %d %s events of %s in %v\n", d.Dropped, d.Name, d.Key, d.Interval)
	}
	// Output:
	// pass delta 1
	// pass delta 2
	// pass delta 5
	// pass delta 8
	// dropped 6 codex.item.agent_message.delta events of thread-1 in 1s
}

// The owner of a Throttle runs one goroutine that advances its clock and
// reports the drops, as the telemetry bus does.
func Example_owner() {
	th := throttle.New() // first 100 per second per key, then every 100th
	report := func(d throttle.Drop) {
		fmt.Printf("dropped %d %s events (key %q) in %v\n", d.Dropped, d.Name, d.Key, d.Interval)
	}

	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		ticker := time.NewTicker(100 * time.Millisecond)
		defer ticker.Stop()
		th.Tick(time.Now())
		for {
			select {
			case now := <-ticker.C:
				th.Tick(now)
				for _, d := range th.Flush() {
					report(d)
				}
			case <-stop:
				for _, d := range th.Flush() { // the last drops
					report(d)
				}
				return
			}
		}
	}()

	delivered := 0
	for range 1000 {
		if th.Allow("codex.item.command_execution.output_delta", "thread-1") {
			delivered++ // deliver the event
		}
	}
	close(stop)
	<-stopped
	fmt.Println("delivered", delivered)
}
