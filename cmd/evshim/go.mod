module github.com/evshim/evshim/cmd/evshim

go 1.26.0

require (
	github.com/evshim/evshim v0.0.0
	github.com/google/go-cmp v0.7.0
	golang.org/x/tools v0.53.0
)

require (
	github.com/panjf2000/gnet/v2 v2.9.7 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.27.0 // indirect
	golang.org/x/mod v0.43.0 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	gopkg.in/natefinch/lumberjack.v2 v2.2.1 // indirect
)

// The command is built from the same checkout as the library it serves.
replace github.com/evshim/evshim => ../..
