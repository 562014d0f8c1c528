using KubeInformers.Emulator.Internal;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Emulator.Tests;

/// <summary>
/// Fault hooks run from the test's thread while watches end on their own: a fault may list a watch whose request has
/// just ended (its context already disposed, the session not yet out of the open-watch list). Found by the reliability
/// long mode (issue 18): ResetWatches threw ObjectDisposedException out of the fault API, about 1 run in 250.
/// </summary>
public sealed class WatchSessionFaultTests
{
    [Fact]
    public void Resetting_or_closing_a_watch_whose_request_already_ended_does_nothing_and_does_not_throw()
    {
        var context = new DefaultHttpContext();
        context.Uninitialize(); // what the server does once a request has ended: its features are gone
        var session = new WatchSession(context, new ApiState(new EmulatorOptions { CreateDefaultNamespaces = false }), new FaultState());

        var reset = Record.Exception(session.Abort);
        var closed = Record.Exception(session.Close);

        Assert.Null(reset);
        Assert.Null(closed);
    }
}
