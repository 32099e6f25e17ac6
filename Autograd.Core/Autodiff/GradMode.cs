namespace Autograd;

/// <summary>
/// Whether operations record themselves into the graph, and whether anomaly detection is on. Both are per thread
/// and per async flow, so a no-grad scope on one thread never affects another.
/// </summary>
internal static class GradMode
{
    private static readonly AsyncLocal<bool> s_disabled = new();
    private static readonly AsyncLocal<bool> s_anomaly = new();

    /// <summary>How many scopes that turn recording off are open on any thread: while none is, recording is on
    /// everywhere, and every scalar operation is spared the async-local read.</summary>
    private static int s_disablingScopes;

    /// <summary>True unless inside a no-grad scope.</summary>
    public static bool IsEnabled => Volatile.Read(ref s_disablingScopes) == 0 || !s_disabled.Value;

    /// <summary>True inside an anomaly-detection scope.</summary>
    public static bool DetectAnomaly => s_anomaly.Value;

    /// <summary>Sets whether recording is enabled until the returned scope is disposed.</summary>
    public static GradModeScope Set(bool enabled)
    {
        if (!enabled) Interlocked.Increment(ref s_disablingScopes);
        var scope = new GradModeScope(s_disabled, s_disabled.Value, disables: !enabled);
        s_disabled.Value = !enabled;
        return scope;
    }

    /// <summary>Counts the end of a scope that turned recording off.</summary>
    internal static void ScopeEnded() => Interlocked.Decrement(ref s_disablingScopes);

    /// <summary>Turns anomaly detection on until the returned scope is disposed.</summary>
    public static GradModeScope SetAnomaly(bool enabled)
    {
        var scope = new GradModeScope(s_anomaly, s_anomaly.Value, disables: false);
        s_anomaly.Value = enabled;
        return scope;
    }
}

/// <summary>Restores a grad-mode setting when disposed; returned by <see cref="Autodiff.NoGrad"/> and its siblings.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly AsyncLocal<bool>? _flag;
    private readonly bool _previous;
    private readonly bool _disables;

    internal GradModeScope(AsyncLocal<bool> flag, bool previous, bool disables)
    {
        _flag = flag;
        _previous = previous;
        _disables = disables;
    }

    /// <summary>Restores the setting that was in force when the scope was opened.</summary>
    public void Dispose()
    {
        if (_flag is null) return;
        _flag.Value = _previous;
        if (_disables) GradMode.ScopeEnded();
    }
}
