package doctor

import "strconv"

// Unlimited is the Rlimit value of RLIM_INFINITY.
const Unlimited = ^uint64(0)

// Rlimit is a soft and hard resource limit, as getrlimit(2) returns them.
type Rlimit struct {
	Soft uint64 `json:"soft"`
	Hard uint64 `json:"hard"`
}

func formatLimit(v uint64) string {
	if v == Unlimited {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}
