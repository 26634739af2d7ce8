package signal_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	ossignal "os/signal"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// childScenarios end with a signal whose default action ends a Go program
// (SIGTERM or SIGHUP; the runtime catches SIGUSR1 and does nothing). Each
// runs in a fresh test binary, once with os/signal and once with this
// package, and the two must end the same way: killed by the signal when the
// sequence gives the default action back, alive otherwise. In a child the
// scenario returns its exit code; a non-zero code names a failed check.
var childScenarios = map[string]func(im impl) int{
	"notify-stop": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Notify(c, syscall.SIGTERM)
		im.Stop(c)
		raise(syscall.SIGTERM)
		return 0
	},
	"notify-all-stop": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Notify(c)
		im.Stop(c)
		raise(syscall.SIGTERM)
		return 0
	},
	"stop-one-of-two": func(im impl) int {
		a := make(chan os.Signal, 1)
		b := make(chan os.Signal, 1)
		im.Notify(a, syscall.SIGTERM)
		im.Notify(b, syscall.SIGTERM)
		im.Stop(a)
		raise(syscall.SIGTERM)
		return awaitSignal(b, syscall.SIGTERM)
	},
	"stop-both": func(im impl) int {
		a := make(chan os.Signal, 1)
		b := make(chan os.Signal, 1)
		im.Notify(a, syscall.SIGTERM, syscall.SIGHUP)
		im.Notify(b, syscall.SIGHUP)
		im.Stop(a)
		im.Stop(b)
		raise(syscall.SIGHUP)
		return 0
	},
	"beside-os-signal": func(im impl) int {
		std := make(chan os.Signal, 1)
		c := make(chan os.Signal, 1)
		ossignal.Notify(std, syscall.SIGTERM)
		im.Notify(c, syscall.SIGTERM)
		ossignal.Stop(std)
		raise(syscall.SIGTERM)
		if code := awaitSignal(c, syscall.SIGTERM); code != 0 {
			return code
		}
		im.Stop(c)
		raise(syscall.SIGTERM)
		return 0
	},
	"notify-reset": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Notify(c, syscall.SIGTERM)
		im.Reset(syscall.SIGTERM)
		raise(syscall.SIGTERM)
		return 0
	},
	"notify-reset-all": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Notify(c, syscall.SIGTERM)
		im.Reset()
		raise(syscall.SIGTERM)
		return 0
	},
	"notify-ignore": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Notify(c, syscall.SIGTERM)
		im.Ignore(syscall.SIGTERM)
		raise(syscall.SIGTERM)
		if !im.Ignored(syscall.SIGTERM) {
			return 3
		}
		im.Stop(c)
		raise(syscall.SIGTERM)
		return 0
	},
	"ignore-notify-stop": func(im impl) int {
		c := make(chan os.Signal, 1)
		im.Ignore(syscall.SIGTERM)
		im.Notify(c, syscall.SIGTERM)
		if im.Ignored(syscall.SIGTERM) {
			return 3
		}
		raise(syscall.SIGTERM)
		if code := awaitSignal(c, syscall.SIGTERM); code != 0 {
			return code
		}
		im.Stop(c)
		raise(syscall.SIGTERM)
		return 0
	},
	"ignore-all": func(im impl) int {
		im.Ignore()
		raise(syscall.SIGTERM)
		return 0
	},
	"context-stop": func(im impl) int {
		_, stop := im.NotifyContext(context.Background(), syscall.SIGTERM)
		stop()
		raise(syscall.SIGTERM)
		return 0
	},
	"context-signal-stop": func(im impl) int {
		ctx, stop := im.NotifyContext(context.Background(), syscall.SIGTERM)
		raise(syscall.SIGTERM)
		select {
		case <-ctx.Done():
		case <-time.After(waitTime):
			return 4
		}
		// Until stop, the signal stays diverted to the context.
		raise(syscall.SIGTERM)
		stop()
		raise(syscall.SIGTERM)
		return 0
	},
}

// TestDefaultDisposition runs every child scenario with both packages and
// compares how the children ended.
func TestDefaultDisposition(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(childScenarios))
	for name := range childScenarios {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run("scenario="+name, func(t *testing.T) {
			t.Parallel()
			want := runChildProcess(t, exe, "std/"+name)
			got := runChildProcess(t, exe, "compat/"+name)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("child outcome (-os/signal +compat):\n%s", diff)
			}
		})
	}
}

// runChildProcess runs the test binary as a child for scenario and returns
// how it ended, as os.ProcessState prints it ("exit status 0", "signal:
// terminated").
func runChildProcess(t *testing.T, exe, scenario string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	// A race-enabled binary sleeps a second at exit by default
	// (atexit_sleep_ms); the child has nothing to report by then.
	cmd.Env = append(os.Environ(), childEnv+"="+scenario, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("child %s: %v", scenario, err)
	}
	if len(out) > 0 {
		t.Logf("child %s output:\n%s", scenario, out)
	}
	return cmd.ProcessState.String()
}

// runChild runs the scenario named "impl/scenario" in a child process.
func runChild(arg string) int {
	implName, name, _ := strings.Cut(arg, "/")
	scenario := childScenarios[name]
	if scenario == nil {
		return 2
	}
	for _, im := range impls {
		if im.name == implName {
			return scenario(im)
		}
	}
	return 2
}

// raise sends sig to the calling thread. A thread-directed signal is handled
// before the system call returns to Go code, so when raise returns the
// signal has been caught, ignored or has ended the process; a signal sent
// to the process could instead still be on its way to another thread.
func raise(sig syscall.Signal) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), sig)
}

// awaitSignal returns 0 once c yields sig, or 4 if it does not in waitTime.
func awaitSignal(c <-chan os.Signal, sig os.Signal) int {
	deadline := time.After(waitTime)
	for {
		select {
		case got := <-c:
			if got == sig {
				return 0
			}
		case <-deadline:
			return 4
		}
	}
}
