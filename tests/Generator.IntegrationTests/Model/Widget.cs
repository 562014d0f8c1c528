using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests.Model;

/// <summary>
/// A custom resource with the shapes compiled readers must reproduce: nested lists and maps of objects, maps of lists,
/// camelCase names without attributes, enums, dates, numbers, base64 bytes, <c>object</c> values, a property converter,
/// ignored and read-only members and a constructor-bound type (left to JsonSerializer).
/// </summary>
[KubernetesEntity(Group = "example.com", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
[GenerateInformer]
[CustomResource(GenerateDefinition = false)] // WidgetPart is recursive: no structural schema (KI0101)
public sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "example.com/v1";

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Widget";

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The desired state.</summary>
    public WidgetSpec? Spec { get; set; }
}

/// <summary>A widget's colour (an enum: written as a string by KubernetesClient's options).</summary>
public enum WidgetColour
{
    /// <summary>Red.</summary>
    Red,
    /// <summary>Green.</summary>
    Green,
    /// <summary>Blue.</summary>
    Blue,
}

/// <summary>The spec: every shape at least once.</summary>
public sealed class WidgetSpec
{
    /// <summary>camelCase from the property name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>A URL-style acronym name (camelCase: <c>urlPath</c>).</summary>
    public string? URLPath { get; set; }

    /// <summary>Nested lists of objects.</summary>
    public IList<WidgetPart>? Parts { get; set; }

    /// <summary>A map of lists.</summary>
    public IDictionary<string, IList<string>>? Groups { get; set; }

    /// <summary>A map of objects.</summary>
    public Dictionary<string, WidgetPart>? PartsByName { get; set; }

    /// <summary>An enum through the options' converter.</summary>
    public WidgetColour? Colour { get; set; }

    /// <summary>A non-nullable enum.</summary>
    public WidgetColour Finish { get; set; }

    /// <summary>A date with offset.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>A non-nullable count.</summary>
    public long Count { get; set; }

    /// <summary>A ratio.</summary>
    public double? Ratio { get; set; }

    /// <summary>A flag.</summary>
    public bool Enabled { get; set; }

    /// <summary>Base64 bytes.</summary>
    public byte[]? Payload { get; set; }

    /// <summary>An int-or-string.</summary>
    public IntOrString? Port { get; set; }

    /// <summary>Free-form JSON.</summary>
    public object? Extra { get; set; }

    /// <summary>Read through its own converter (upper-cased).</summary>
    [JsonConverter(typeof(UpperCaseConverter))]
    public string? Shout { get; set; }

    /// <summary>Never read nor written.</summary>
    [JsonIgnore]
    public string? Secret { get; set; }

    /// <summary>Read-only: never set by a reader.</summary>
    public string Computed => "computed";

    /// <summary>A constructor-bound type, left to JsonSerializer.</summary>
    public WidgetOrigin? Origin { get; set; }
}

/// <summary>One part (nested object with its own list and map).</summary>
public sealed class WidgetPart
{
    /// <summary>The part name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Sizes.</summary>
    [JsonPropertyName("sizes")]
    public List<int>? Sizes { get; set; }

    /// <summary>Labels.</summary>
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    /// <summary>Sub-parts (recursive).</summary>
    [JsonPropertyName("children")]
    public IList<WidgetPart>? Children { get; set; }
}

/// <summary>A record bound through its constructor.</summary>
/// <param name="Factory">Where it was made.</param>
/// <param name="Year">When.</param>
public sealed record WidgetOrigin(string Factory, int Year);

/// <summary>Reads strings upper-cased; writes them as they are.</summary>
public sealed class UpperCaseConverter : JsonConverter<string>
{
    /// <inheritdoc/>
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()?.ToUpperInvariant();

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
