package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// child is a `kabinet serve` the bench started, so that the flood measures the
// service's memory alone, not the service and a thousand-client load generator in one
// process.
type child struct {
	cmd  *exec.Cmd
	base string
}

// startChild runs this binary (kabinet: the bench is one of its commands) as `serve`
// on dbURL with the bench's hash settings, on 127.0.0.1:0 without the operations
// address, and waits for the address it prints.
func (b *bench) startChild(ctx context.Context, dbURL string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: own executable: %w", err)
	}
	cmd := exec.Command(exe, b.env.ServeArgs(dbURL)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("bench: service process: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("bench: start the service process: %w", err)
	}
	c := &child{cmd: cmd}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			// "kabinet: serving http://127.0.0.1:PORT on 127.0.0.1:PORT (sqlite)"
			if rest, ok := strings.CutPrefix(sc.Text(), "kabinet: serving "); ok {
				found <- strings.Fields(rest)[0]
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if ok {
			c.base = base
			return c, nil
		}
		c.stop()
		return nil, fmt.Errorf("bench: the service process ended before it served")
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	c.stop()
	return nil, fmt.Errorf("bench: the service process did not start serving in time")
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop ends the service process as an operator would (SIGTERM), then waits.
func (c *child) stop() {
	c.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
}
