namespace KubeInformers;

/// <summary>How KubeInformers names an informer in messages, health reports and metric tags (the <c>resource</c> tag). Pure, thread-safe.</summary>
internal static class InformerNames
{
    /// <summary>The informer's name: its group-qualified resource and version, e.g. <c>deployments.apps/v1</c>.</summary>
    public static string Of(ISharedInformer informer)
    {
        ArgumentNullException.ThrowIfNull(informer);
        return informer.Resource.ToString();
    }

    /// <summary>A one-line description of an exception for reports: the message, and the inner exception's when there is one.</summary>
    public static string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = error.GetType().Name + ": " + error.Message;
        return error.InnerException is { } inner && !error.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? text + " (" + inner.GetType().Name + ": " + inner.Message + ")"
            : text;
    }
}
