namespace KubeInformers;

/// <summary>
/// Adds a column to <c>kubectl get</c> for a custom resource version (<c>additionalPrinterColumns</c>). Repeatable;
/// columns keep their declaration order.
/// </summary>
/// <code>
/// [PrinterColumn("Schedule", "string", ".spec.cronSpec")]
/// [PrinterColumn("Replicas", "integer", ".spec.replicas", Priority = 1)]
/// </code>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute : Attribute
{
    /// <summary>Declares a printer column.</summary>
    /// <param name="name">The column header.</param>
    /// <param name="type">One of <c>integer</c>, <c>number</c>, <c>string</c>, <c>boolean</c>, <c>date</c>.</param>
    /// <param name="jsonPath">The simple JSON path of the value, e.g. <c>.spec.replicas</c>.</param>
    public PrinterColumnAttribute(string name, string type, string jsonPath)
    {
        Name = name;
        Type = type;
        JsonPath = jsonPath;
    }

    /// <summary>The column header.</summary>
    public string Name { get; }

    /// <summary>The OpenAPI type of the column.</summary>
    public string Type { get; }

    /// <summary>The JSON path of the value.</summary>
    public string JsonPath { get; }

    /// <summary>An optional OpenAPI format (e.g. <c>date-time</c>).</summary>
    public string? Format { get; set; }

    /// <summary>A human-readable description of the column.</summary>
    public string? Description { get; set; }

    /// <summary>0 shows the column always; higher values only with <c>kubectl get -o wide</c>.</summary>
    public int Priority { get; set; }
}
