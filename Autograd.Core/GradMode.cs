using System.Runtime.CompilerServices;

namespace Autograd;

/// <summary>
/// Whether operations record themselves into the graph, and whether anomaly detection is on. Both are per thread
/// and per async flow, so a no-grad scope on one thread never affects another.
/// </summary>
internal static class GradMode
{
    private static readonly AsyncLocal<bool> s_disabled = new();
    private static readonly AsyncLocal<bool> s_anomaly = new();

    /// <summary>How many no-grad scopes are open on any thread.</summary>
    private static int s_noGradScopes;

    /// <summary>How many synchronous regions of this thread run with recording off (<see cref="Suppress"/>): the
    /// engine's own passes and custom ops' forward computations, which other threads need not hear of.</summary>
    [ThreadStatic] private static int t_suppressed;

    /// <summary>How many no-grad scopes are open on any thread plus how many threads are inside a suppressed region
    /// (<see cref="Suppress"/>): zero, the common case, lets <see cref="IsEnabled"/> answer with one load.</summary>
    private static int s_offSomewhere;

    /// <summary>
    /// True unless inside a no-grad scope or a suppressed region of this thread. While recording is off nowhere, it
    /// reads no thread-local or async-local state: the scalar engine asks once per operation, and a thread-static read
    /// cost it a fifth of its time.
    /// </summary>
    public static bool IsEnabled => Volatile.Read(ref s_offSomewhere) == 0 || IsEnabledHere();

    /// <summary>The check for when recording is off somewhere: kept out of line so the common case stays one load.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsEnabledHere() => t_suppressed == 0 && (Volatile.Read(ref s_noGradScopes) == 0 || !s_disabled.Value);

    /// <summary>
    /// Turns recording off on this thread until the returned scope is disposed, for a region that does not await.
    /// Unlike <see cref="Set"/> it changes no async-local state, and only the outermost region of a thread touches
    /// the shared count, so workers that run backward passes or custom ops at the same time (word2vec's) pay one
    /// atomic add per pass.
    /// </summary>
    public static SuppressionScope Suppress()
    {
        if (t_suppressed++ == 0) Interlocked.Increment(ref s_offSomewhere);
        return new SuppressionScope(active: true);
    }

    /// <summary>Ends a suppressed region.</summary>
    internal static void SuppressionEnded()
    {
        if (--t_suppressed == 0) Interlocked.Decrement(ref s_offSomewhere);
    }

    /// <summary>Lifts this thread's suppression (an <see cref="Autodiff.EnableGrad"/> inside it) and returns what it was.</summary>
    internal static int LiftSuppression()
    {
        int suppressed = t_suppressed;
        if (suppressed == 0) return 0;
        t_suppressed = 0;
        Interlocked.Decrement(ref s_offSomewhere);
        return suppressed;
    }

    /// <summary>Puts back the suppression a scope lifted.</summary>
    internal static void RestoreSuppression(int suppressed)
    {
        t_suppressed = suppressed;
        Interlocked.Increment(ref s_offSomewhere);
    }

    /// <summary>True inside an anomaly-detection scope.</summary>
    public static bool DetectAnomaly => s_anomaly.Value;

    /// <summary>Sets whether recording is enabled until the returned scope is disposed.</summary>
    public static GradModeScope Set(bool enabled)
    {
        if (!enabled)
        {
            Interlocked.Increment(ref s_noGradScopes);
            Interlocked.Increment(ref s_offSomewhere);
        }

        var scope = new GradModeScope(s_disabled, s_disabled.Value, disables: !enabled, enabled ? LiftSuppression() : 0);
        s_disabled.Value = !enabled;
        return scope;
    }

    /// <summary>Counts the end of a scope that turned recording off.</summary>
    internal static void ScopeEnded()
    {
        Interlocked.Decrement(ref s_noGradScopes);
        Interlocked.Decrement(ref s_offSomewhere);
    }

    /// <summary>Turns anomaly detection on until the returned scope is disposed.</summary>
    public static GradModeScope SetAnomaly(bool enabled)
    {
        var scope = new GradModeScope(s_anomaly, s_anomaly.Value, disables: false, liftedSuppression: 0);
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
    private readonly int _liftedSuppression;

    internal GradModeScope(AsyncLocal<bool> flag, bool previous, bool disables, int liftedSuppression)
    {
        _flag = flag;
        _previous = previous;
        _disables = disables;
        _liftedSuppression = liftedSuppression;
    }

    /// <summary>Restores the setting that was in force when the scope was opened.</summary>
    public void Dispose()
    {
        if (_flag is null) return;
        _flag.Value = _previous;
        if (_disables) GradMode.ScopeEnded();
        if (_liftedSuppression > 0) GradMode.RestoreSuppression(_liftedSuppression);
    }
}

/// <summary>Ends a region of this thread that <see cref="GradMode.Suppress"/> began.</summary>
internal readonly struct SuppressionScope(bool active) : IDisposable
{
    /// <summary>Turns recording back on for this thread (unless an outer region keeps it off); the default scope does nothing.</summary>
    public void Dispose()
    {
        if (active) GradMode.SuppressionEnded();
    }
}
