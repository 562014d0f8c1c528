// A richer custom resource for the CRD generator: nested objects, lists, maps, enums, quantities, int-or-string,
// validation attributes, CEL rules, status and scale subresources, printer columns and two versions (v1 stores).
// Its generated manifest is a reviewed baseline (tests/Generator.Tests/Baselines/Crds/databases.data.example.com.yaml).
using System.Collections.Generic;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests.Crds
{

/// <summary>A managed database cluster.</summary>
[KubernetesEntity(Group = "data.example.com", ApiVersion = "v1", Kind = "Database", PluralName = "databases")]
[GenerateInformer]
[CustomResource(Storage = true, ShortNames = new[] { "db" }, Categories = new[] { "all", "data" })]
[ScaleSubresource(".spec.replicas", ".status.readyReplicas", LabelSelectorPath = ".status.selector")]
[PrinterColumn("Engine", "string", ".spec.engine")]
[PrinterColumn("Replicas", "integer", ".spec.replicas")]
[PrinterColumn("Phase", "string", ".status.phase", Description = "The lifecycle phase.")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp", Priority = 1)]
public sealed class Database : IKubernetesObject<V1ObjectMeta>, ISpec<DatabaseSpec>, IStatus<DatabaseStatus?>
{
    /// <inheritdoc/>
    public string ApiVersion { get; set; } = "data.example.com/v1";

    /// <inheritdoc/>
    public string Kind { get; set; } = "Database";

    /// <inheritdoc/>
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What the user asks for.</summary>
    public DatabaseSpec Spec { get; set; } = new();

    /// <summary>What the operator observed.</summary>
    public DatabaseStatus? Status { get; set; }
}

/// <summary>The database engine.</summary>
public enum Engine
{
    /// <summary>PostgreSQL.</summary>
    Postgres,

    /// <summary>MySQL.</summary>
    MySql,

    /// <summary>Redis (no SQL).</summary>
    [JsonStringEnumMemberName("redis")]
    Redis,
}

/// <summary>The desired database.</summary>
[ValidationRule("!has(self.backup) || self.replicas >= 1", Message = "backups need at least one replica")]
public sealed class DatabaseSpec
{
    /// <summary>The engine to run.</summary>
    public Engine Engine { get; set; }

    /// <summary>The engine version, e.g. <c>17.2</c>.</summary>
    [Required]
    [RegularExpression("^[0-9]+(\\.[0-9]+)*$")]
    [StringLength(16, MinimumLength = 1)]
    public string? Version { get; set; }

    /// <summary>How many instances.</summary>
    [Range(0, 9)]
    [DefaultValue(1)]
    public int Replicas { get; set; } = 1;

    /// <summary>Storage per instance.</summary>
    public StorageSpec Storage { get; set; } = new();

    /// <summary>Extra engine settings, passed through as given.</summary>
    public Dictionary<string, string>? Parameters { get; set; }

    /// <summary>Users to create.</summary>
    [MaxLength(8)]
    public List<DatabaseUser>? Users { get; set; }

    /// <summary>The port to listen on, a number or a named port.</summary>
    public IntOrString? Port { get; set; }

    /// <summary>Resource limits per instance, by resource name.</summary>
    public Dictionary<string, ResourceQuantity>? Limits { get; set; }

    /// <summary>Backups, when wanted.</summary>
    public BackupSpec? Backup { get; set; }

    /// <summary>Anything the engine's own operator understands.</summary>
    public JsonElement? Extensions { get; set; }
}

/// <summary>Persistent storage.</summary>
public sealed class StorageSpec
{
    /// <summary>The volume size.</summary>
    [JsonPropertyName("size")]
    public ResourceQuantity? Capacity { get; set; }

    /// <summary>The storage class, or the cluster default.</summary>
    public string? StorageClassName { get; set; }
}

/// <summary>A database user.</summary>
public sealed class DatabaseUser
{
    /// <summary>The login name.</summary>
    [MinLength(1)]
    [MaxLength(63)]
    public string Name { get; set; } = "";

    /// <summary>Roles granted to the user.</summary>
    public List<string>? Roles { get; set; }
}

/// <summary>A backup schedule.</summary>
[ValidationRule("self.keep <= 90", Message = "keep at most 90 backups", FieldPath = ".keep")]
public sealed class BackupSpec
{
    /// <summary>A cron schedule.</summary>
    [Required]
    public string? Schedule { get; set; }

    /// <summary>How many backups to keep.</summary>
    [Range(1, 1000)]
    public int Keep { get; set; } = 7;
}

/// <summary>The lifecycle phase.</summary>
public enum DatabasePhase
{
    /// <summary>Being created.</summary>
    Pending,

    /// <summary>Serving.</summary>
    Ready,

    /// <summary>Broken.</summary>
    Failed,
}

/// <summary>What the operator observed.</summary>
public sealed class DatabaseStatus
{
    /// <summary>The lifecycle phase.</summary>
    public DatabasePhase? Phase { get; set; }

    /// <summary>Instances ready to serve.</summary>
    public int? ReadyReplicas { get; set; }

    /// <summary>The label selector of the instances, serialized.</summary>
    public string? Selector { get; set; }

    /// <summary>When the phase last changed.</summary>
    public System.DateTime? LastTransitionTime { get; set; }
}

}

// The informer generator names its types after the kind, so the second version lives in its own namespace.
namespace KubeInformers.Generator.IntegrationTests.Crds.V1Beta1
{
/// <summary>The previous version: a single instance, sized by a plain string.</summary>
[KubernetesEntity(Group = "data.example.com", ApiVersion = "v1beta1", Kind = "Database", PluralName = "databases")]
[GenerateInformer]
[CustomResource(Deprecated = true, DeprecationWarning = "data.example.com/v1beta1 Database is deprecated; use v1")]
public sealed class DatabaseV1Beta1 : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    public string ApiVersion { get; set; } = "data.example.com/v1beta1";

    /// <inheritdoc/>
    public string Kind { get; set; } = "Database";

    /// <inheritdoc/>
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What the user asks for.</summary>
    public DatabaseV1Beta1Spec? Spec { get; set; }
}

/// <summary>The v1beta1 spec.</summary>
public sealed class DatabaseV1Beta1Spec
{
    /// <summary>The engine, free text.</summary>
    public string? Engine { get; set; }

    /// <summary>The volume size, e.g. <c>10Gi</c>.</summary>
    public string? Size { get; set; }
}
}
