namespace KubeInformers;

/// <summary>An informer that had not synced when a wait for sync gave up (<see cref="InformerSyncException.Unsynced"/>).</summary>
/// <param name="Name">The informer's name: its group-qualified resource and version, e.g. <c>deployments.apps/v1</c>.</param>
/// <param name="ObjectType">The .NET type of its objects.</param>
/// <param name="LastError">The last list or watch error it reported, or null if it saw none.</param>
/// <param name="Stopped">True when the informer had stopped.</param>
public sealed record UnsyncedInformer(string Name, Type ObjectType, Exception? LastError, bool Stopped);
