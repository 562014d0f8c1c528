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
            foreach (var term in SplitTerms(fieldSelector))
            {
                var t = term.Trim();
                if (t.Length == 0)
                {
                    continue;
                }

                string field, value;
                bool equal;
                int i;
                if ((i = t.IndexOf("!=", StringComparison.Ordinal)) > 0)
                {
                    (field, value, equal) = (t[..i], t[(i + 2)..], false);
                }
                else if ((i = t.IndexOf("==", StringComparison.Ordinal)) > 0)
                {
                    (field, value, equal) = (t[..i], t[(i + 2)..], true);
                }
                else if ((i = t.IndexOf('=')) > 0)
                {
                    (field, value, equal) = (t[..i], t[(i + 1)..], true);
                }
                else
                {
                    throw ApiException.BadRequest($"invalid selector: '{fieldSelector}'; can't understand '{t}'");
                }

                field = field.Trim();
                value = Unescape(value.Trim());
                if (field != "metadata.name" && field != "metadata.namespace" && !rt.SelectableFields.ContainsKey(field))
                {
                    throw ApiException.BadRequest($"field label not supported: {field}");
                }

                fields.Add((field, value, equal));
            }
        }

        return new ObjectFilter(ns, labels, fields.ToArray());
    }

    private static IEnumerable<string> SplitTerms(string s)
    {
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }
            else if (s[i] == ',')
            {
                yield return s[start..i];
                start = i + 1;
            }
        }

        yield return s[start..];
    }

    private static string Unescape(string s) => s.Contains('\\') ? s.Replace("\\,", ",").Replace("\\=", "=").Replace("\\\\", "\\") : s;

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
