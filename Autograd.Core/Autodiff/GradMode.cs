namespace Autograd;

/// <summary>
/// Whether operations record themselves into the graph, and whether anomaly detection is on. Both are per thread
/// and per async flow, so a no-grad scope on one thread never affects another.
/// </summary>
internal static class GradMode
{
    private static readonly AsyncLocal<bool> s_disabled = new();
    private static readonly AsyncLocal<bool> s_anomaly = new();

    /// <summary>True unless inside a no-grad scope.</summary>
    public static bool IsEnabled => !s_disabled.Value;

    /// <summary>True inside an anomaly-detection scope.</summary>
    public static bool DetectAnomaly => s_anomaly.Value;

    /// <summary>Sets whether recording is enabled until the returned scope is disposed.</summary>
    public static GradModeScope Set(bool enabled)
    {
        var scope = new GradModeScope(s_disabled, s_disabled.Value);
        s_disabled.Value = !enabled;
        return scope;
    }

    /// <summary>Turns anomaly detection on until the returned scope is disposed.</summary>
    public static GradModeScope SetAnomaly(bool enabled)
    {
        var scope = new GradModeScope(s_anomaly, s_anomaly.Value);
        s_anomaly.Value = enabled;
        return scope;
    }
}

/// <summary>Restores a grad-mode setting when disposed; returned by <see cref="Autodiff.NoGrad"/> and its siblings.</summary>
public readonly struct GradModeScope : IDisposable
{
    private readonly AsyncLocal<bool>? _flag;
    private readonly bool _previous;

    internal GradModeScope(AsyncLocal<bool> flag, bool previous)
    {
        _flag = flag;
        _previous = previous;
    }

    /// <summary>Restores the setting that was in force when the scope was opened.</summary>
    public void Dispose()
    {
        if (_flag is not null) _flag.Value = _previous;
    }
}
