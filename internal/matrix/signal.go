package matrix

// Rows for the standard library's os/signal package (compat/signal).
var _ = register(signalRows)

func signalRows() []Row {
	const dir = "compat/signal."
	tests := func(names ...string) []string {
		for i, n := range names {
			names[i] = dir + n
		}
		return names
	}
	const noLoop = " Where there is no loop (windows, plan9, js, wasip1) the call is os/signal's own."
	return []Row{
		{
			Pkg: "os/signal", Name: "Notify", Status: Cooperative,
			Reason:    "os/signal catches the signal for one internal channel per signal, registered while any channel here wants that signal; one relay goroutine posts each signal onto the loop, whose callback sends to the channels without blocking." + noLoop,
			Deviation: "a signal makes two extra hops (relay, loop); after os/signal's own Reset or Ignore is called directly, a Notify here re-enables the signal for every channel here that still wanted it, where os/signal re-enables it for the new channel only",
			Tests: tests("TestDeliver", "TestNotifyAll", "TestNotifyExpands", "TestNotifyNilPanics",
				"TestCoexist", "TestDefaultDisposition"),
		},
		{
			Pkg: "os/signal", Name: "Stop", Status: Cooperative,
			Reason: "takes the channel out of the table the loop reads, releases os/signal's registration of signals nobody here wants any more (their default action comes back), and waits for the loop to deliver signals caught before the call, as os/signal's Stop does; after it returns the loop sends nothing to the channel." + noLoop,
			Tests: tests("TestStopNoLateDelivery", "TestStopDeliversCaughtSignal", "TestStopDeliversBufferedSignal",
				"TestStopUnregistered", "TestRelayLifetime", "TestDefaultDisposition"),
		},
		{
			Pkg: "os/signal", Name: "NotifyContext", Status: Cooperative,
			Reason:    "registers like Notify, and the loop callback cancels the context with os/signal's cause (\"<signal> signal received\", errors.Is context.Canceled); String prints os/signal's text." + noLoop,
			Deviation: "no goroutine per context: os/signal's NotifyContext starts one that lives until the context ends",
			Tests: tests("TestNotifyContextString", "TestNotifyContextSignal", "TestNotifyContextParentDone",
				"TestDefaultDisposition"),
		},
		{
			Pkg: "os/signal", Name: "Ignore", Status: Delegated,
			Reason: "sets no delivery to run: it drops the signals from every registration here and calls os/signal's Ignore, which acts on the whole process as documented",
			Tests:  tests("TestIgnoreReset", "TestResetActsProcessWide", "TestDefaultDisposition"),
		},
		{
			Pkg: "os/signal", Name: "Ignored", Status: Delegated,
			Reason: "os/signal's Ignored: the disposition lives in the runtime and this package keeps no copy",
			Tests:  tests("TestIgnoreReset", "TestDefaultDisposition"),
		},
		{
			Pkg: "os/signal", Name: "Reset", Status: Delegated,
			Reason: "sets no delivery to run: it drops the signals from every registration here and calls os/signal's Reset, which acts on the whole process as documented",
			Tests:  tests("TestIgnoreReset", "TestResetActsProcessWide", "TestDefaultDisposition"),
		},
	}
}
