namespace KubeInformers.Hosting.Events;

/// <summary>The two event types Kubernetes knows.</summary>
public static class EventTypes
{
    /// <summary>Something expected happened.</summary>
    public const string Normal = "Normal";

    /// <summary>Something went wrong, or may.</summary>
    public const string Warning = "Warning";
}
