using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The admin HTTP endpoint for the standalone mode: <c>POST /emulator/faults/{fault}</c> and
/// <c>GET /emulator/status</c>. Not subject to the bearer token, injected failures or latency.
/// </summary>
internal sealed class AdminEndpoint
{
    private readonly FaultState _faults;
    private readonly ApiState _state;
    private readonly Func<string?, Task> _restart;

    public AdminEndpoint(FaultState faults, ApiState state, Func<string?, Task> restart)
    {
        _faults = faults;
        _state = state;
        _restart = restart;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.TrimEnd('/');
        var q = context.Request.Query;
        var result = new JsonObject { ["ok"] = true };
        if (path == "/emulator/status" && context.Request.Method == "GET")
        {
            result["resourceVersion"] = _state.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture);
            result["openWatches"] = _faults.Watches.Count;
            result["pendingFailures"] = _faults.PendingFailures;
            result["stalled"] = _faults.Stalled;
            await ApiHandler.WriteJsonAsync(context, 200, result).ConfigureAwait(false);
            return;
        }

        if (context.Request.Method != "POST" || !path.StartsWith("/emulator/faults/", StringComparison.Ordinal))
        {
            await ApiHandler.WriteStatusAsync(context, ApiException.NotFoundPath()).ConfigureAwait(false);
            return;
        }

        var fault = path["/emulator/faults/".Length..];
        var faults = new EmulatorFaults(_faults, _state, () => _restart(null));
        switch (fault)
        {
            case "close-watches":
                result["watches"] = faults.OpenWatchCount;
                faults.CloseWatches();
                break;
            case "reset-watches":
                result["watches"] = faults.OpenWatchCount;
                faults.ResetWatches();
                break;
            case "fail":
                {
                    var count = Int(q["count"], 1);
                    var status = Int(q["status"], 503);
                    int? retry = string.IsNullOrEmpty(q["retryAfter"]) ? 1 : Int(q["retryAfter"], 1);
                    if (count < 0 || status is < 400 or > 599)
                    {
                        await ApiHandler.WriteStatusAsync(context, ApiException.BadRequest("count must be >= 0 and status an HTTP error status (400-599)")).ConfigureAwait(false);
                        return;
                    }

                    faults.FailNextRequests(count, status, retry <= 0 ? null : retry);
                    break;
                }

            case "latency":
                faults.Latency = TimeSpan.FromMilliseconds(Int(q["ms"], 0));
                break;
            case "compact":
                result["resourceVersion"] = faults.CompactHistory();
                break;
            case "stall-watches":
                faults.StallWatches();
                break;
            case "resume-watches":
                faults.ResumeWatches();
                break;
            case "malformed-line":
                faults.InjectMalformedLine();
                break;
            case "restart":
                // Answer first on a connection that then closes gracefully; drop every other connection.
                context.Response.Headers.Connection = "close";
                await _restart(context.Connection.Id).ConfigureAwait(false);
                break;
            case "unreachable":
                // Answer first on a connection that then closes gracefully; every other one is dropped.
                context.Response.Headers.Connection = "close";
                _faults.Unreachable = true;
                await _restart(context.Connection.Id).ConfigureAwait(false);
                break;
            case "reachable":
                _faults.Unreachable = false;
                break;
            case "clear":
                faults.Clear();
                break;
            default:
                await ApiHandler.WriteStatusAsync(context, ApiException.NotFoundPath()).ConfigureAwait(false);
                return;
        }

        await ApiHandler.WriteJsonAsync(context, 200, result).ConfigureAwait(false);
    }

    private static int Int(string? value, int fallback) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : fallback;
}
