package doctor

import (
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReservedIn(t *testing.T) {
	tests := []struct {
		list   string
		lo, hi int64
		want   int64
	}{
		{list: "", lo: 1024, hi: 65535, want: 0},
		{list: "8080", lo: 1024, hi: 65535, want: 1},
		{list: "8080", lo: 32768, hi: 60999, want: 0},
		{list: "40000-40099,50000", lo: 32768, hi: 60999, want: 101},
		{list: "30000-33000", lo: 32768, hi: 60999, want: 233}, // clipped to the range
		{list: "9000-x, 100", lo: 1, hi: 200, want: 1},         // malformed items count as none
	}
	for _, tt := range tests {
		if got := reservedIn(tt.list, tt.lo, tt.hi); got != tt.want {
			t.Errorf("reservedIn(%q, %d, %d) = %d, want %d", tt.list, tt.lo, tt.hi, got, tt.want)
		}
	}
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{err: &fs.PathError{Op: "open", Path: "/proc/sys/x", Err: syscall.EACCES}, want: "needs root"},
		{err: &fs.PathError{Op: "open", Path: "/proc/sys/x", Err: syscall.EROFS}, want: "read-only"},
		{err: &fs.PathError{Op: "open", Path: "/proc/sys/x", Err: syscall.ENOENT}, want: "no such setting"},
		{err: &fs.PathError{Op: "write", Path: "/proc/sys/x", Err: syscall.EINVAL}, want: "rejected"},
	}
	for _, tt := range tests {
		if got := writeError(tt.err); !strings.Contains(got, tt.want) || !strings.Contains(got, tt.err.Error()) {
			t.Errorf("writeError(%v) = %q, want it to contain %q and the error", tt.err, got, tt.want)
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, s := range []Status{OK, Skip, Warn, Fail} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Status
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, s)
		}
	}
	var s Status
	if err := s.UnmarshalText([]byte("bad")); err == nil {
		t.Error(`UnmarshalText("bad") succeeded`)
	}
	if got := Status(9).String(); got != "Status(9)" {
		t.Errorf("Status(9).String() = %q", got)
	}
}

func TestSeconds(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "60 s", time.Second: "1 s", 100 * time.Millisecond: "100 ms"} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
