package loadgen

import (
	"testing"
)

// TestParser runs readResponse's cases through the incremental parser,
// with the input delivered whole, one byte at a time and in pieces of 7
// bytes: a split anywhere must not change the outcome.
func TestParser(t *testing.T) {
	for _, step := range []int{0, 1, 7} {
		for _, tt := range responseCases {
			t.Run("step="+itoa(step)+"/case="+tt.name, func(t *testing.T) {
				got, rest, err := parseInSteps(tt.in, tt.head, step)
				if !tt.ok {
					if err == nil {
						t.Fatalf("parser(%q) = %+v, nil; want a %v error", tt.in, got, tt.wantErr)
					}
					if k := Classify(err); k != tt.wantErr {
						t.Fatalf("parser(%q) error %v classified %v, want %v", tt.in, err, k, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatalf("parser(%q): %v", tt.in, err)
				}
				if got != tt.want {
					t.Errorf("parser(%q) = %+v, want %+v", tt.in, got, tt.want)
				}
				if rest != tt.rest {
					t.Errorf("left %q, want %q", rest, tt.rest)
				}
			})
		}
	}
}

// parseInSteps feeds in to a parser step bytes at a time (all at once for
// 0), then EOF, as the epoll engine does, and returns the response and the
// bytes that followed it.
func parseInSteps(in string, head bool, step int) (response, string, error) {
	var p parser
	p.reset(head)
	b := []byte(in)
	for off := 0; off < len(b); {
		end := len(b)
		if step > 0 {
			end = min(off+step, len(b))
		}
		n, done, err := p.feed(b[off:end])
		if err != nil {
			return response{}, "", err
		}
		if done {
			return p.r, string(b[off+n:]), nil
		}
		off = end
	}
	done, err := p.eof()
	if err != nil {
		return response{}, "", err
	}
	if !done {
		panic("parser.eof: neither done nor an error")
	}
	return p.r, "", nil
}

// BenchmarkParser measures the incremental parser on the responses of
// BenchmarkReadResponse, each delivered in one read.
func BenchmarkParser(b *testing.B) {
	for _, c := range benchResponses {
		b.Run(c.name, func(b *testing.B) {
			resp := []byte(c.resp)
			b.SetBytes(int64(len(resp)))
			var p parser
			for i := 0; i < b.N; i++ {
				p.reset(false)
				if _, done, err := p.feed(resp); !done || err != nil {
					b.Fatal(done, err)
				}
			}
		})
	}
}
