namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The per-request object filter of a list or watch: namespace, label selector and field selector.
/// Immutable; evaluated against the values extracted once per <see cref="StoredObject"/>.
/// </summary>
internal sealed class ObjectFilter
{
    private readonly LabelSelector? _labels;
    private readonly (string Field, string Value, bool Equal)[] _fields;

    private ObjectFilter(string? ns, LabelSelector? labels, (string, string, bool)[] fields)
    {
        Namespace = ns;
        _labels = labels;
        _fields = fields;
    }

    public string? Namespace { get; }

    /// <summary>Parses the selectors of a request; bad syntax or an unknown field becomes 400 BadRequest.</summary>
    public static ObjectFilter Create(ResourceType rt, string? ns, string? labelSelector, string? fieldSelector)
    {
        LabelSelector? labels = null;
        if (!string.IsNullOrWhiteSpace(labelSelector))
        {
            if (!LabelSelector.TryParse(labelSelector, out var parsed, out var error))
            {
                throw ApiException.BadRequest($"unable to parse requirement: {error}");
            }

            labels = parsed.IsEverything ? null : parsed;
        }

        var fields = new List<(string, string, bool)>();
        if (!string.IsNullOrWhiteSpace(fieldSelector))
        {
            if (!FieldSelector.TryParse(fieldSelector, out var parsed, out var error))
            {
                throw ApiException.BadRequest($"invalid field selector: {error}");
            }

            foreach (var r in parsed.Requirements)
            {
                if (r.Field != "metadata.name" && r.Field != "metadata.namespace" && !rt.SelectableFields.ContainsKey(r.Field))
                {
                    throw ApiException.BadRequest($"field label not supported: {r.Field}");
                }

                fields.Add((r.Field, r.Value, r.Operator == FieldSelectorOperator.Equals));
            }
        }

        return new ObjectFilter(ns, labels, fields.ToArray());
    }

    public bool Matches(StoredObject obj)
    {
        if (Namespace is not null && !string.Equals(obj.Namespace, Namespace, StringComparison.Ordinal))
        {
            return false;
        }

        if (_labels is not null && !_labels.Matches(obj.Labels))
        {
            return false;
        }

        foreach (var (field, value, equal) in _fields)
        {
            obj.Fields.TryGetValue(field, out var actual);
            if (string.Equals(actual ?? string.Empty, value, StringComparison.Ordinal) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
